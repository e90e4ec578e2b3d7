import { test } from "node:test";
import assert from "node:assert/strict";
import { loadScenario } from "../../src/gym/scenario.js";
import { writeWorkspaceFixture } from "../../src/gym/run-scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("tidy-folder: only sorting by type and month meets the goal, and a short real run keeps the invariants", async (t) => {
  const scenario = await loadScenario("tidy-folder");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  assert.notEqual(await runCommandByHand(hand.stateDir, "zip-drop"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "list-drop"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "sort-by-name"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false, "an empty drop/ sorted by name is not the job");

  await writeWorkspaceFixture(hand.workspace, scenario);
  assert.equal(await runCommandByHand(hand.stateDir, "sort-drop"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);

  const { run, figures } = await runShort(scenario, 3);
  assertInvariants(run, figures, 3);
});
