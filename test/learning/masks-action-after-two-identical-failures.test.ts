// Two failures of one situation with the same signature and world fingerprint mask the action for that goal, across cycles or within one; `finish` never.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeAction } from "../../src/learning/action-key.js";
import { findMasks, recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("two identical failures in consecutive cycles create a provisional avoid lesson with a one-cycle mask", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  const first = outcome(3, action, { fromWorld: true });
  assert.deepEqual(recordOutcomes(data, [first], [{ goal: "report", passed: false }], outcomeCtx(3)), []);
  assert.equal(data.lessons.length, 0, "one failure is not enough");

  const second = outcome(4, action);
  const deltas = recordOutcomes(data, [second], [{ goal: "report", passed: false }], outcomeCtx(4));

  assert.equal(data.lessons.length, 1);
  const lesson = data.lessons[0];
  assert.ok(lesson);
  assert.equal(lesson.id, "L1");
  assert.equal(lesson.kind, "avoid");
  assert.equal(lesson.status, "provisional");
  assert.equal(lesson.source, "self");
  assert.equal(lesson.tainted, true, "a supporting outcome read world content");
  assert.deepEqual(lesson.evidence, [first.episodeId, second.episodeId]);
  assert.deepEqual(lesson.action, action);
  assert.equal(lesson.scope.goal, "report");
  assert.deepEqual(lesson.mask, {
    fingerprint: "world-a",
    signature: "exit #: boom",
    cooldownCycles: 1,
    untilCycle: 5,
    retests: 0,
  });
  assert.equal(lesson.text, 'Avoid `run make-draft` for goal report: it failed twice with "exit #: boom"');
  assert.deepEqual(
    deltas.map((delta) => [delta.id, delta.change]),
    [["L1", "masked"]],
  );
  assert.match(deltas[0]?.reason ?? "", /two identical failures/);
  assert.equal(data.nextLessonId, 2);
  assert.deepEqual(
    findMasks(data, { goal: "report", cycle: 5, fingerprint: "world-a" }).map((found) => found.state),
    ["masked"],
  );
});

test("two identical failures within one cycle also mask, once", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  const deltas = recordOutcomes(data, [outcome(7, action), outcome(7, action), outcome(7, action)], [], outcomeCtx(7));
  assert.equal(data.lessons.length, 1, "a third failure does not add a second lesson");
  assert.equal(data.lessons[0]?.mask?.untilCycle, 8);
  assert.equal(data.lessons[0]?.tainted, false);
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["masked"],
  );
});

test("finish is never masked", () => {
  const data = emptyData();
  const finish = normalizeAction("finish", { summary: "done" });
  recordOutcomes(data, [outcome(2, finish), outcome(2, finish), outcome(3, finish)], [], outcomeCtx(3));
  assert.deepEqual(data.lessons, []);
});

test("two identical failures in one world are caught even when a run in another world came after them", () => {
  const data = emptyData();
  const action = runAction("make-report");
  recordOutcomes(data, [outcome(1, action, { fingerprint: "no-input" })], [], outcomeCtx(1));
  const deltas = recordOutcomes(
    data,
    [outcome(2, action, { fingerprint: "no-input" }), outcome(2, action, { ok: true, fingerprint: "with-input" })],
    [{ goal: "report", passed: true }],
    outcomeCtx(2),
  );
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["masked"],
  );
  assert.equal(data.lessons[0]?.mask?.fingerprint, "no-input");
  assert.deepEqual(
    findMasks(data, { goal: "report", cycle: 3, fingerprint: "with-input" }).map((found) => found.state),
    ["other-world"],
  );
});
