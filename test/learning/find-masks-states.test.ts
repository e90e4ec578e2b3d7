// findMasks: an active avoid lesson's mask is `masked` through untilCycle in the worlds it covers, then `retest`; in other worlds it does not apply; retired lessons and other goals never show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findMasks, recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("masked in cooldown with the same world; retest after it; another world is not the mask's business", () => {
  const data = emptyData();
  recordOutcomes(data, [outcome(4, runAction("make-draft")), outcome(4, runAction("make-draft"))], [], outcomeCtx(4));
  const state = (cycle: number, fingerprint: string, goal = "report") =>
    findMasks(data, { goal, cycle, fingerprint }).map((found) => found.state);

  assert.deepEqual(state(4, "world-a"), ["masked"]);
  assert.deepEqual(state(5, "world-a"), ["masked"]);
  assert.deepEqual(state(6, "world-a"), ["retest"]);
  assert.deepEqual(state(5, "world-b"), ["other-world"]);
  assert.deepEqual(state(9, "world-b"), ["other-world"]);
  assert.deepEqual(state(5, "world-a", "other-goal"), []);
  assert.equal(findMasks(data, { goal: "report", cycle: 5, fingerprint: "world-a" })[0]?.lesson.id, "L1");

  const lesson = data.lessons[0];
  assert.ok(lesson);
  lesson.status = "retired";
  assert.deepEqual(state(5, "world-a"), []);
});
