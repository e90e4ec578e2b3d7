// Each failed retest doubles the mask's cooldown up to maxCooldownCycles, restarts it from the retest's cycle and follows the new fingerprint and signature.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findMasks, recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("cooldown 1 → 2 → 4 → 4 (cap 4), untilCycle = retest cycle + cooldown, retests counted", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2, 4));
  const lesson = data.lessons[0];
  assert.ok(lesson?.mask);
  assert.equal(lesson.mask.untilCycle, 3);

  const steps: Array<{ cycle: number; cooldown: number; until: number }> = [
    { cycle: 4, cooldown: 2, until: 6 },
    { cycle: 7, cooldown: 4, until: 11 },
    { cycle: 12, cooldown: 4, until: 16 },
  ];
  for (const [index, step] of steps.entries()) {
    assert.equal(findMasks(data, { goal: "report", cycle: step.cycle, fingerprint: "world-a" })[0]?.state, "retest");
    const deltas = recordOutcomes(data, [outcome(step.cycle, action, { retest: true })], [], outcomeCtx(step.cycle, 4));
    assert.deepEqual(
      deltas.map((delta) => delta.change),
      ["retest-failed"],
    );
    assert.equal(lesson.status, "provisional");
    assert.equal(lesson.mask.cooldownCycles, step.cooldown);
    assert.equal(lesson.mask.untilCycle, step.until);
    assert.equal(lesson.mask.retests, index + 1);
    assert.equal(findMasks(data, { goal: "report", cycle: step.until, fingerprint: "world-a" })[0]?.state, "masked");
  }
  assert.equal(data.lessons.length, 1, "a failed retest never adds a second avoid lesson");
});

test("a failed retest with a new signature records it and keeps the mask on its world", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2));
  const retest = outcome(4, action, { retest: true, signature: "disk full" });
  const deltas = recordOutcomes(data, [retest], [], outcomeCtx(4));
  const mask = data.lessons[0]?.mask;
  assert.equal(mask?.signature, "disk full");
  assert.equal(mask?.fingerprint, "world-a");
  assert.equal(mask?.cooldownCycles, 2);
  assert.match(deltas[0]?.reason ?? "", /disk full/);
  assert.ok(data.lessons[0]?.evidence.includes(retest.episodeId));
});

test("two failed retests in one cycle (two covered worlds) double the cooldown once and log one change", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2));
  recordOutcomes(
    data,
    [outcome(2, action, { fingerprint: "world-b" }), outcome(2, action, { fingerprint: "world-b" })],
    [],
    outcomeCtx(2),
  );
  const lesson = data.lessons[0];
  assert.deepEqual(lesson?.mask?.worlds, ["world-a"]);
  const retests = [outcome(4, action, { retest: true }), outcome(4, action, { retest: true, fingerprint: "world-b" })];
  const deltas = recordOutcomes(data, retests, [], outcomeCtx(4));
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["retest-failed"],
  );
  assert.equal(lesson?.mask?.cooldownCycles, 2);
  assert.equal(lesson?.mask?.retests, 1);
  assert.equal(lesson?.history.filter((entry) => entry.change === "retest-failed").length, 1);
  assert.ok(retests.every((retest) => lesson?.evidence.includes(retest.episodeId)));
});
