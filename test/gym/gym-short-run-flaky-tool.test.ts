import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { drawOutcomes } from "../../src/gym/run-scenario.js";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("flaky-tool: make-report fails exactly where the seeded outcomes say, and a short real run keeps the invariants", async (t) => {
  const scenario = await loadScenario("flaky-tool");
  assert.deepEqual(drawOutcomes(3, 0.4, 50), drawOutcomes(3, 0.4, 50), "outcomes are reproducible per seed");
  assert.notDeepEqual(drawOutcomes(3, 0.4, 50), drawOutcomes(4, 0.4, 50));
  const many = drawOutcomes(1, 0.4, 2000);
  const rate = many.filter((outcome) => outcome === "fail").length / many.length;
  assert.ok(rate > 0.35 && rate < 0.45, `failure rate ${rate}`);

  const hand = await prepareByHand(scenario, 2);
  t.after(hand.cleanup);
  const outcomes = (await readFile(path.join(hand.stateDir, "gym-control", "make-report.outcomes"), "utf8"))
    .trim()
    .split("\n");
  assert.deepEqual(outcomes.slice(0, 12), drawOutcomes(2, 0.4, 12));
  for (const expected of outcomes.slice(0, 12)) {
    const code = await runCommandByHand(hand.stateDir, "make-report");
    assert.equal(code === 0 ? "ok" : "fail", expected);
    if (code === 0) assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);
  }
  assert.equal(await runCommandByHand(hand.stateDir, "show-status"), 0);

  const { run, figures } = await runShort(scenario, 4);
  assertInvariants(run, figures, 4);
});
