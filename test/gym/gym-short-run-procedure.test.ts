import { test } from "node:test";
import assert from "node:assert/strict";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("procedure: the three commands work only in order, and a short real run keeps the invariants", async (t) => {
  const scenario = await loadScenario("procedure");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  assert.notEqual(await runCommandByHand(hand.stateDir, "make-report"), 0, "make-report needs data.clean");
  assert.notEqual(await runCommandByHand(hand.stateDir, "clean-data"), 0, "clean-data needs data.raw");
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  assert.equal(await runCommandByHand(hand.stateDir, "fetch-data"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "clean-data"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "make-report"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);

  const { run, figures } = await runShort(scenario, 3);
  assertInvariants(run, figures, 3);
});
