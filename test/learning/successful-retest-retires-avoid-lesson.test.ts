// A retest that succeeds retires the avoid lesson ("the world changed"), lifts the mask, and does not make the action look flaky.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findMasks, recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("successful retest: lesson retired with the reason, no mask left, no flaky lesson", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2));
  const deltas = recordOutcomes(
    data,
    [outcome(4, action, { ok: true, retest: true })],
    [{ goal: "report", passed: true }],
    outcomeCtx(4),
  );

  assert.deepEqual(deltas, [{ id: "L1", change: "retired", reason: "the world changed: the retest succeeded" }]);
  const lesson = data.lessons[0];
  assert.equal(lesson?.status, "retired");
  assert.equal(lesson?.mask, undefined);
  assert.equal(lesson?.history.at(-1)?.reason, "the world changed: the retest succeeded");
  assert.deepEqual(findMasks(data, { goal: "report", cycle: 4, fingerprint: "world-a" }), []);
  assert.equal(data.lessons.filter((candidate) => candidate.kind === "flaky").length, 0);
});

test("an ok run not flagged as a retest still counts, but only a retest retires with the world-changed reason", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2));
  recordOutcomes(data, [outcome(3, action, { ok: true })], [], outcomeCtx(3));
  const avoid = data.lessons.find((lesson) => lesson.kind === "avoid");
  assert.equal(avoid?.status, "retired");
  assert.match(avoid?.history.at(-1)?.reason ?? "", /^flaky/);
});

test("success in another world is no retest: the lesson stays, masking the world it failed in", () => {
  const data = emptyData();
  const action = runAction("clean-data");
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2));
  // data.raw exists now (another world): clean-data works there; that says nothing about the world without it.
  assert.deepEqual(
    recordOutcomes(data, [outcome(3, action, { ok: true, fingerprint: "world-b", retest: true })], [], outcomeCtx(3)),
    [],
  );
  const lesson = data.lessons[0];
  assert.equal(lesson?.status, "provisional");
  assert.equal(findMasks(data, { goal: "report", cycle: 3, fingerprint: "world-a" })[0]?.state, "masked");
  assert.equal(
    data.lessons.some((candidate) => candidate.kind === "flaky"),
    false,
    "different worlds, different outcomes: not flaky",
  );
});
