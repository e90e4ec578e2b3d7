// Regression: recall built a BM25 index over every active lesson on each call (≈300 ms with 10 000 lessons); the kept index must follow changes and rank as a fresh one did.
import { test } from "node:test";
import assert from "node:assert/strict";
import MiniSearch from "minisearch";
import { makeBenchLessons, makeRecallQueries } from "../../src/bench/seed-bench-state.js";
import { recallMemory, searchLessons } from "../../src/cycle/recall-lessons.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import type { LearningData, Lesson } from "../../src/learning/types.js";

function learningWith(lessons: Lesson[]): LearningData {
  return { ...createEmptyLearningData(), lessons, nextLessonId: lessons.length + 1 };
}

function lesson(id: string, text: string, goal = "notes"): Lesson {
  return { id, text, kind: "fact", scope: { goal, keywords: [] }, evidence: [], helpful: 0, harmful: 0, status: "provisional", source: "self", tainted: false, createdAt: "2026-01-01T00:00:00.000Z", createdCycle: 1, history: [] };
}

test("the kept index sees a new lesson, a changed text, a retired lesson and a deleted one", () => {
  const learning = learningWith([lesson("L1", "the backup disk is full"), lesson("L2", "the feed parser needs a header")]);
  assert.deepEqual(searchLessons(learning, learning.lessons, "backup"), ["L1"]);

  learning.lessons.push(lesson("L3", "backup before midnight"));
  assert.deepEqual(searchLessons(learning, learning.lessons, "midnight"), ["L3"]);

  (learning.lessons[1] as Lesson).text = "the feed parser needs a midnight run";
  assert.deepEqual(new Set(searchLessons(learning, learning.lessons, "midnight")), new Set(["L2", "L3"]));

  (learning.lessons[2] as Lesson).status = "retired";
  const active = learning.lessons.filter((candidate) => candidate.status !== "retired");
  assert.deepEqual(searchLessons(learning, active, "midnight"), ["L2"]);

  learning.lessons = learning.lessons.filter((candidate) => candidate.id !== "L1");
  assert.deepEqual(searchLessons(learning, learning.lessons.filter((candidate) => candidate.status !== "retired"), "backup"), []);
  assert.deepEqual(recallMemory(learning, undefined, "midnight").lessons.map((found) => found.id), ["L2"]);
});

test("repeated query words, searched once with their count as weight, rank lessons as searching every repetition did", () => {
  const lessons = makeBenchLessons(600, { cycles: 100 }).filter((candidate) => candidate.status !== "retired");
  const learning = learningWith(lessons);
  for (const { query } of makeRecallQueries(10)) {
    const repeated = `${query} ${query.split(" ").slice(-6).join(" ")}`;
    const fresh = new MiniSearch<{ id: string; text: string; keywords: string; goal: string }>({
      fields: ["text", "keywords", "goal"],
      searchOptions: { prefix: (term: string) => term.length >= 3, fuzzy: 0.2, boost: { goal: 2 } },
    });
    fresh.addAll(lessons.map((candidate) => ({ id: candidate.id, text: candidate.text, keywords: candidate.scope.keywords.join(" "), goal: candidate.scope.goal ?? "" })));
    const expected = fresh.search(repeated, { combineWith: "OR" }).slice(0, 8).map((hit) => String(hit.id));
    assert.deepEqual(searchLessons(learning, lessons, repeated).slice(0, 8), expected, repeated);
  }
});
