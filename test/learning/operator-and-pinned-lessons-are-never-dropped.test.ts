// Operator and pinned lessons survive harmful citations, decay, the cap and dedupe; a duplicate self lesson merges into the operator's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyCitations } from "../../src/learning/citation-rules.js";
import { consolidateLessons } from "../../src/learning/consolidate.js";
import { emptyData, seedLesson, timeOf } from "./helpers/learning-fixtures.js";

test("harmful citations never retire operator or pinned lessons", () => {
  const data = emptyData();
  const operator = seedLesson(data, 1, "always ask before deleting", { source: "operator" });
  const pinned = seedLesson(data, 1, "report.txt goes in out/", { status: "pinned" });
  for (let cycle = 2; cycle < 8; cycle += 1)
    applyCitations(data, [operator.id, pinned.id], false, { cycle, now: timeOf(cycle) });
  assert.equal(operator.harmful, 6);
  assert.equal(operator.status, "provisional");
  assert.equal(pinned.status, "pinned");
});

test("consolidation drops neither: not by decay, counts, cap or dedupe", () => {
  const data = emptyData();
  const operator = seedLesson(data, 1, "Always ask before deleting", { source: "operator", harmful: 5 });
  const pinned = seedLesson(data, 1, "report.txt goes in out/", { status: "pinned", harmful: 9 });
  const duplicate = seedLesson(data, 2, "always  ask before deleting");
  for (let index = 0; index < 9; index += 1) seedLesson(data, 95, `fresh lesson ${index}`, { helpful: 1 });

  const result = consolidateLessons(data, { cycle: 100, now: timeOf(100), maxLessons: 10, decayAfterCycles: 20 });

  assert.ok(result.ok, JSON.stringify(result));
  assert.notEqual(operator.status, "retired");
  assert.equal(pinned.status, "pinned");
  assert.equal(duplicate.status, "retired");
  assert.equal(duplicate.history.at(-1)?.reason, `merged into ${operator.id}`);
  assert.equal(data.lessons.filter((lesson) => lesson.status !== "retired").length, 10);
  const capped = data.lessons.filter((lesson) => lesson.status === "retired" && lesson !== duplicate);
  assert.equal(capped.length, 1, "the cap takes a provisional self lesson, never a protected one");
  assert.match(capped[0]?.text ?? "", /^fresh lesson/);
});
