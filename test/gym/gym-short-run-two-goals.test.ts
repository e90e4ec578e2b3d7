import { test } from "node:test";
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import path from "node:path";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("two-goals: each goal has its own command, the decoys meet neither, and a short run records both goals' verdicts per cycle", async (t) => {
  const scenario = await loadScenario("two-goals");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  assert.notEqual(await runCommandByHand(hand.stateDir, "fetch-remote"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "draft-notes"), 0);
  await access(path.join(hand.workspace, "draft.txt"));
  assert.deepEqual(
    [await checkPassesByHand(hand.stateDir, scenario, 0), await checkPassesByHand(hand.stateDir, scenario, 1)],
    [false, false],
  );
  assert.equal(await runCommandByHand(hand.stateDir, "make-index"), 0);
  assert.deepEqual(
    [await checkPassesByHand(hand.stateDir, scenario, 0), await checkPassesByHand(hand.stateDir, scenario, 1)],
    [false, true],
  );
  assert.equal(await runCommandByHand(hand.stateDir, "make-summary"), 0);
  assert.deepEqual(
    [await checkPassesByHand(hand.stateDir, scenario, 0), await checkPassesByHand(hand.stateDir, scenario, 1)],
    [true, true],
  );

  const { run, figures } = await runShort(scenario, 3);
  assertInvariants(run, figures, 3);
  for (const record of run.cycles) {
    assert.deepEqual(
      record.goals.map((goal) => goal.id),
      ["summary", "index"],
    );
    assert.equal(
      record.success,
      record.goals.every((goal) => goal.passed),
      "a cycle succeeds only when both goals passed",
    );
  }
  assert.deepEqual(
    figures.goals.map((goal) => goal.id),
    ["summary", "index"],
  );
  assert.equal(figures.goals[0]?.successRateByCycle.length, 3);
});
