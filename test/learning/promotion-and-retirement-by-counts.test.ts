// Citations count helpful/harmful; helpful ≥ 3 and ≥ 2 × harmful promotes a provisional lesson, harmful ≥ 3 and > helpful retires it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addLesson, applyCitations } from "../../src/learning/citation-rules.js";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction, seedLesson, timeOf } from "./helpers/learning-fixtures.js";

const at = (cycle: number) => ({ cycle, now: timeOf(cycle) });

test("addLesson assigns L<n>, caps text at 300 characters and records `created`", () => {
  const data = emptyData();
  data.nextLessonId = 7;
  const { lesson, delta } = addLesson(
    data,
    {
      text: "x".repeat(400),
      kind: "fact",
      scope: { keywords: ["a"] },
      source: "operator",
      tainted: false,
      status: "pinned",
      evidence: ["e1", "e1"],
    },
    at(2),
  );
  assert.equal(lesson.id, "L7");
  assert.equal(data.nextLessonId, 8);
  assert.equal(lesson.text.length, 300);
  assert.deepEqual(lesson.evidence, ["e1"]);
  assert.deepEqual(
    lesson.history.map((entry) => [entry.cycle, entry.change]),
    [[2, "created"]],
  );
  assert.equal(delta.change, "created");
  assert.equal(data.lessons.length, 1);
});

test("three helpful citations against one harmful promote to trusted; unknown ids are ignored", () => {
  const data = emptyData();
  const lesson = seedLesson(data, 1, "make-report needs data.csv first");
  applyCitations(data, [lesson.id, "L99"], false, at(2));
  applyCitations(data, [lesson.id], true, at(3));
  applyCitations(data, [lesson.id, lesson.id], true, at(4));
  assert.equal(lesson.helpful, 2, "an id cited twice in one cycle counts once");
  assert.equal(lesson.status, "provisional");
  const deltas = applyCitations(data, [lesson.id], true, at(5));
  assert.equal(lesson.status, "trusted");
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["cited-helpful", "promoted"],
  );
  assert.equal(lesson.lastUsedCycle, 5);
  assert.equal(lesson.lastUsedAt, timeOf(5).toISOString());
});

test("helpful 3 but harmful 2 is not promoted (needs helpful ≥ 2 × harmful)", () => {
  const data = emptyData();
  const lesson = seedLesson(data, 1, "try make clean first");
  for (const success of [false, false, true, true, true]) applyCitations(data, [lesson.id], success, at(2));
  assert.equal(lesson.status, "provisional");
  applyCitations(data, [lesson.id], true, at(3));
  assert.equal(lesson.status, "trusted");
});

test("three harmful citations outnumbering helpful retire the lesson, trusted or not", () => {
  const data = emptyData();
  const lesson = seedLesson(data, 1, "use sudo", { status: "trusted", helpful: 1 });
  applyCitations(data, [lesson.id], false, at(2));
  applyCitations(data, [lesson.id], false, at(3));
  assert.equal(lesson.status, "trusted");
  const deltas = applyCitations(data, [lesson.id], false, at(4));
  assert.equal(lesson.status, "retired");
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["cited-harmful", "retired"],
  );
  assert.deepEqual(applyCitations(data, [lesson.id], true, at(5)), [], "retired lessons no longer count citations");
});

test("a lesson with a mask is not retired by harmful citations: its retests judge it", () => {
  const data = emptyData();
  const action = runAction("make-report");
  recordOutcomes(data, [outcome(1, action), outcome(1, action)], [], outcomeCtx(1));
  const avoid = data.lessons[0];
  assert.ok(avoid?.mask);
  for (const cycle of [2, 3, 4, 5]) applyCitations(data, [avoid.id], false, { cycle, now: timeOf(cycle) });
  assert.equal(avoid.harmful, 4);
  assert.equal(avoid.status, "provisional");
  assert.ok(avoid.mask, "still masking");
});
