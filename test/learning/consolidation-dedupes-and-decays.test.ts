// Consolidation merges duplicates into the older lesson (counts summed, evidence united), decays idle provisional self lessons unless masked, caps by score, and deletes old retired lessons.
import { test } from "node:test";
import assert from "node:assert/strict";
import { consolidateLessons } from "../../src/learning/consolidate.js";
import { emptyData, seedLesson, timeOf } from "./helpers/learning-fixtures.js";

test("dedupe: same kind, normalized text, goal and action merge into the older one", () => {
  const data = emptyData();
  const older = seedLesson(data, 90, "Run make-data before make-report", { helpful: 2, harmful: 1 });
  const newer = seedLesson(data, 95, "run   make-data before\nmake-report", { helpful: 1, evidence: ["c95e9"] });
  const otherGoal = seedLesson(data, 95, "run make-data before make-report", {
    scope: { goal: "other", keywords: [] },
  });
  for (let index = 0; index < 3; index += 1) seedLesson(data, 95, `unrelated ${index}`);

  const result = consolidateLessons(data, { cycle: 100, now: timeOf(100), maxLessons: 200, decayAfterCycles: 20 });

  assert.ok(result.ok);
  assert.equal(newer.status, "retired");
  assert.equal(newer.history.at(-1)?.reason, `merged into ${older.id}`);
  assert.equal(older.status, "provisional");
  assert.equal(older.helpful, 3);
  assert.equal(older.harmful, 1);
  assert.ok(older.evidence.includes("c95e9"));
  assert.equal(otherGoal.status, "provisional", "a different goal is not a duplicate");
  assert.deepEqual(
    result.deltas.map((delta) => [delta.id, delta.change]),
    [
      [older.id, "merged"],
      [newer.id, "retired"],
    ],
  );
});

test("decay: idle provisional self lessons retire; recently cited, trusted or masked ones stay", () => {
  const data = emptyData();
  const idle = seedLesson(data, 10, "idle");
  const cited = seedLesson(data, 10, "cited lately", { lastUsedCycle: 90 });
  const trusted = seedLesson(data, 10, "trusted", { status: "trusted" });
  const masked = seedLesson(data, 10, "masked", {
    kind: "avoid",
    mask: { fingerprint: "w", signature: "s", cooldownCycles: 8, untilCycle: 200, retests: 3 },
  });
  for (let index = 0; index < 4; index += 1) seedLesson(data, 99, `fresh ${index}`);

  const result = consolidateLessons(data, { cycle: 100, now: timeOf(100), maxLessons: 200, decayAfterCycles: 20 });

  assert.ok(result.ok);
  assert.equal(idle.status, "retired");
  assert.match(idle.history.at(-1)?.reason ?? "", /decayed: unused for 90 cycles/);
  assert.equal(cited.status, "provisional");
  assert.equal(trusted.status, "trusted");
  assert.equal(masked.status, "provisional");
});

test("cap retires the lowest helpful − harmful first; retired lessons beyond 4 × maxLessons are deleted, oldest first", () => {
  const data = emptyData();
  for (let index = 0; index < 45; index += 1) seedLesson(data, 1, `old retired ${index}`, { status: "retired" });
  const worst = seedLesson(data, 99, "worst", { harmful: 2 });
  for (let index = 0; index < 10; index += 1) seedLesson(data, 99, `good ${index}`, { helpful: 1 });

  const result = consolidateLessons(data, { cycle: 100, now: timeOf(100), maxLessons: 10, decayAfterCycles: 20 });

  assert.ok(result.ok);
  assert.equal(worst.status, "retired");
  assert.equal(data.lessons.filter((lesson) => lesson.status !== "retired").length, 10);
  assert.equal(data.lessons.filter((lesson) => lesson.status === "retired").length, 40);
  assert.equal(result.deltas.filter((delta) => delta.change === "deleted").length, 6);
  assert.ok(!data.lessons.some((lesson) => lesson.text === "old retired 0"), "the oldest retired went first");
  assert.ok(data.lessons.includes(worst), "the newly retired lesson is kept");
});
