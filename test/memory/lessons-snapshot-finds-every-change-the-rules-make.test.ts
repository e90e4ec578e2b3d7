// The store writes only the lessons LessonsSnapshot finds changed: every change the learning rules and the operator make must be found, or a restart would lose that change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import type { LearningData } from "../../src/learning/types.js";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { LessonsSnapshot } from "../../src/memory/lessons-snapshot.js";
import { createSeededRandom } from "../../src/seeded-random.js";
import { learningRuleChanges } from "../learning/helpers/learning-rule-changes.js";

/** Whether the snapshot finds any change in `data` since it last looked; it then records what it found, as the store does after a write. */
function foundChange(snapshot: LessonsSnapshot, data: LearningData): boolean {
  const change = snapshot.diff(data.lessons, data.nextLessonId);
  const found = change.changed.length > 0 || change.removed.length > 0 || change.counterMoved || change.reordered;
  snapshot.commit(change);
  return found;
}

test("every change of the learning rules and operator ops to the lessons is found, and no change is found where there was none", () => {
  const data: LearningData = {
    ...createEmptyLearningData(),
    lessons: makeBenchLessons(400, { seed: 3, cycles: 200 }),
    nextLessonId: 401,
  };
  const snapshot = new LessonsSnapshot();
  snapshot.reset(data.lessons, data.nextLessonId);
  const random = createSeededRandom(11);
  let changes = 0;
  for (let cycle = 201; cycle <= 320; cycle++) {
    const steps = learningRuleChanges(data, cycle, random, { maxLessons: 150, seededLessons: 400 });
    for (const step of steps) {
      const textBefore = JSON.stringify({ nextLessonId: data.nextLessonId, lessons: data.lessons });
      step();
      const changed = JSON.stringify({ nextLessonId: data.nextLessonId, lessons: data.lessons }) !== textBefore;
      if (changed) changes += 1;
      assert.equal(
        foundChange(snapshot, data),
        changed,
        `cycle ${cycle}: the lessons ${changed ? "changed but no change was found" : "did not change but a change was found"}`,
      );
    }
  }
  assert.ok(changes > 100, `the rules changed the lessons ${changes} times: enough to mean something`);
});

test("direct edits of the fields the rules touch are found, each in the lesson it touched; a reordering is found", () => {
  const data: LearningData = {
    ...createEmptyLearningData(),
    lessons: makeBenchLessons(50, { seed: 5, cycles: 100 }),
    nextLessonId: 51,
  };
  const snapshot = new LessonsSnapshot();
  snapshot.reset(data.lessons, data.nextLessonId);
  const edits: Array<(lesson: LearningData["lessons"][number]) => void> = [
    (lesson) => (lesson.status = lesson.status === "pinned" ? "retired" : "pinned"),
    (lesson) => (lesson.helpful += 1),
    (lesson) => (lesson.harmful += 1),
    (lesson) => (lesson.tainted = !lesson.tainted),
    (lesson) => (lesson.text += " and more"),
    // Same length, other words: found by the text itself.
    (lesson) =>
      (lesson.text =
        lesson.text.split("").reverse().join("") === lesson.text
          ? `${lesson.text.slice(1)}x`
          : lesson.text.split("").reverse().join("")),
    (lesson) => (lesson.lastUsedCycle = (lesson.lastUsedCycle ?? 0) + 1),
    (lesson) => lesson.evidence.push("c999s1"),
    (lesson) => lesson.history.push({ cycle: 999, at: "2026-01-01T00:00:00.000Z", change: "merged", reason: "x" }),
    (lesson) => (lesson.mask = { fingerprint: "f", signature: "s", cooldownCycles: 2, untilCycle: 5, retests: 1 }),
  ];
  for (const [index, edit] of edits.entries()) {
    const lesson = data.lessons[index] as LearningData["lessons"][number];
    edit(lesson);
    const change = snapshot.diff(data.lessons, data.nextLessonId);
    assert.deepEqual(
      change.changed.map((found) => found.id),
      [lesson.id],
      `edit ${index}`,
    );
    snapshot.commit(change);
  }
  const removed = data.lessons.splice(3, 2).map((lesson) => lesson.id);
  const afterRemoval = snapshot.diff(data.lessons, data.nextLessonId);
  assert.deepEqual([afterRemoval.changed.length, afterRemoval.removed, afterRemoval.reordered], [0, removed, false]);
  snapshot.commit(afterRemoval);
  data.lessons.reverse();
  const afterReverse = snapshot.diff(data.lessons, data.nextLessonId);
  assert.deepEqual(
    [afterReverse.changed.length, afterReverse.removed.length, afterReverse.reordered],
    [0, 0, true],
    "order",
  );
});

test("two diffs before their commits (queued writes), an added lesson and a swap keep the in-place fast path right", () => {
  const data: LearningData = {
    ...createEmptyLearningData(),
    lessons: makeBenchLessons(30, { seed: 7, cycles: 50 }),
    nextLessonId: 31,
  };
  const snapshot = new LessonsSnapshot();
  snapshot.reset(data.lessons, data.nextLessonId);
  const at = (index: number): LearningData["lessons"][number] => data.lessons[index] as LearningData["lessons"][number];
  at(2).helpful += 1;
  const first = snapshot.diff(data.lessons, data.nextLessonId);
  at(5).harmful += 1;
  const second = snapshot.diff(data.lessons, data.nextLessonId);
  assert.deepEqual(
    first.changed.map((lesson) => lesson.id),
    [at(2).id],
  );
  assert.deepEqual(
    second.changed.map((lesson) => lesson.id),
    [at(2).id, at(5).id],
    "the second diff still sees the first change: it is not committed yet",
  );
  snapshot.commit(first);
  snapshot.commit(second);
  assert.equal(snapshot.diff(data.lessons, data.nextLessonId).changed.length, 0, "both are recorded");

  // A new lesson at the end: the order changed, so the map path; then in place again.
  data.lessons.push({ ...at(0), id: "L31", text: "a new one", history: [], evidence: [] });
  data.nextLessonId = 32;
  const added = snapshot.diff(data.lessons, data.nextLessonId);
  assert.deepEqual(
    [added.changed.map((lesson) => lesson.id), added.counterMoved, added.reordered],
    [["L31"], true, false],
  );
  snapshot.commit(added);
  at(30).helpful += 1;
  assert.deepEqual(
    snapshot.diff(data.lessons, data.nextLessonId).changed.map((lesson) => lesson.id),
    ["L31"],
  );
  at(30).helpful -= 1;

  // Two lessons swap places and one of them changes: the swap is a reorder, the change is found.
  const [a, b] = [at(3), at(4)];
  data.lessons[3] = b;
  data.lessons[4] = a;
  b.text += "!";
  const swapped = snapshot.diff(data.lessons, data.nextLessonId);
  assert.deepEqual([swapped.changed.map((lesson) => lesson.id), swapped.reordered], [[b.id], true]);
  snapshot.commit(swapped);
  assert.equal(snapshot.diff(data.lessons, data.nextLessonId).changed.length, 0);
});
