import { test } from "node:test";
import assert from "node:assert/strict";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("daily-digest: only a digest of every message and note meets the goal, and a short real run with an inbox message keeps the invariants", async (t) => {
  const scenario = await loadScenario("daily-digest");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  assert.notEqual(await runCommandByHand(hand.stateDir, "fetch-mail"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "summarize-inbox"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false, "a count of the messages is not the digest");
  assert.equal(await runCommandByHand(hand.stateDir, "make-digest"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);

  // Four cycles: the inbox message arrives in cycle 4.
  const { run, figures } = await runShort(scenario, 4);
  assertInvariants(run, figures, 4);
});
