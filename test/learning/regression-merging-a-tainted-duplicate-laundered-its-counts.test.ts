// Regression (found while making taint follow the inbox): consolidation merged a tainted duplicate's helpful counts
// into an older clean provisional lesson of the same text without its taint, so citations earned in cycles steered by
// world content could still promote it. Taint now follows the counts into a provisional lesson.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyCitations } from "../../src/learning/citation-rules.js";
import { consolidateLessons } from "../../src/learning/consolidate.js";
import { emptyData, seedLesson, timeOf } from "./helpers/learning-fixtures.js";

test("a tainted duplicate merged into a clean provisional lesson taints it, and its counts then promote nothing", () => {
  const data = emptyData();
  const clean = seedLesson(data, 90, "Always keep a copy of the list", { helpful: 0 });
  seedLesson(data, 95, "always keep a copy of the list", { helpful: 2, tainted: true });
  for (let index = 0; index < 4; index += 1) seedLesson(data, 95, `unrelated ${index}`);

  const result = consolidateLessons(data, { cycle: 100, now: timeOf(100), maxLessons: 200, decayAfterCycles: 20 });
  assert.ok(result.ok);
  assert.equal(clean.helpful, 2);
  assert.equal(clean.tainted, true);

  const deltas = applyCitations(data, [clean.id], true, { cycle: 101, now: timeOf(101) });
  assert.equal(clean.status, "provisional");
  assert.ok(deltas.some((delta) => delta.change === "promotion-blocked"));
});

test("a trusted lesson that absorbs a tainted duplicate keeps its word: it is past promotion", () => {
  const data = emptyData();
  const trusted = seedLesson(data, 90, "Sort the list", { status: "trusted", helpful: 5 });
  seedLesson(data, 95, "sort the list", { helpful: 1, tainted: true });
  for (let index = 0; index < 4; index += 1) seedLesson(data, 95, `unrelated ${index}`);

  const result = consolidateLessons(data, { cycle: 100, now: timeOf(100), maxLessons: 200, decayAfterCycles: 20 });
  assert.ok(result.ok);
  assert.equal(trusted.helpful, 6);
  assert.equal(trusted.tainted, false);
});
