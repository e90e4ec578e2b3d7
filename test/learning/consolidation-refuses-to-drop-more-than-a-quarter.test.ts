// A consolidation that would retire more than 25% of the active lessons changes nothing and names the numbers; 25% exactly goes through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { consolidateLessons } from "../../src/learning/consolidate.js";
import { emptyData, seedLesson, timeOf } from "./helpers/learning-fixtures.js";

const ctx = { cycle: 100, now: timeOf(100), maxLessons: 200, decayAfterCycles: 20 };

test("3 stale of 8 active (37.5%): refused, data unchanged", () => {
  const data = emptyData();
  for (let index = 0; index < 3; index += 1) seedLesson(data, 10, `stale ${index}`);
  for (let index = 0; index < 5; index += 1) seedLesson(data, 95, `fresh ${index}`);
  const before = structuredClone(data);

  const result = consolidateLessons(data, ctx);

  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.reason, /retire 3 of 8 active lessons/);
  assert.deepEqual(data, before);
});

test("2 stale of 8 active (25%): applied", () => {
  const data = emptyData();
  for (let index = 0; index < 2; index += 1) seedLesson(data, 10, `stale ${index}`);
  for (let index = 0; index < 6; index += 1) seedLesson(data, 95, `fresh ${index}`);

  const result = consolidateLessons(data, ctx);

  assert.ok(result.ok);
  assert.equal(result.deltas.filter((delta) => delta.change === "retired").length, 2);
  assert.equal(data.lessons.filter((lesson) => lesson.status === "retired").length, 2);
  assert.equal(data.lastConsolidationCycle, 100);
});

test("the cap counts toward the quarter too", () => {
  const data = emptyData();
  for (let index = 0; index < 14; index += 1) seedLesson(data, 95, `fresh ${index}`);
  const result = consolidateLessons(data, { ...ctx, maxLessons: 10 });
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.reason, /4 of 14/);
});
