// Regression: recall built a BM25 index over every active lesson on each call (≈300 ms with 10 000 lessons); the kept per-goal indexes must follow changes and rank as a fresh search over the goal's candidates does.
import { test } from "node:test";
import assert from "node:assert/strict";
import MiniSearch from "minisearch";
import { makeBenchLessons, makeRecallQueries } from "../../src/bench/seed-bench-state.js";
import { MAX_QUERY_TERMS, queryTerms, recallMemory, searchLessons } from "../../src/cycle/recall-lessons.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import type { LearningData, Lesson } from "../../src/learning/types.js";

function learningWith(lessons: Lesson[]): LearningData {
  return { ...createEmptyLearningData(), lessons, nextLessonId: lessons.length + 1 };
}

function lesson(id: string, text: string, goal: string | null = "notes"): Lesson {
  return {
    id,
    text,
    kind: "fact",
    scope: { ...(goal !== null ? { goal } : {}), keywords: [] },
    evidence: [],
    helpful: 0,
    harmful: 0,
    status: "provisional",
    source: "self",
    tainted: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    createdCycle: 1,
    history: [],
  };
}

test("the kept index sees a new lesson, a changed text, a retired lesson and a deleted one", () => {
  const learning = learningWith([
    lesson("L1", "the backup disk is full"),
    lesson("L2", "the feed parser needs a header"),
  ]);
  assert.deepEqual(searchLessons(learning, "notes", "backup"), ["L1"]);

  learning.lessons.push(lesson("L3", "backup before midnight"));
  assert.deepEqual(searchLessons(learning, "notes", "midnight"), ["L3"]);

  (learning.lessons[1] as Lesson).text = "the feed parser needs a midnight run";
  assert.deepEqual(new Set(searchLessons(learning, "notes", "midnight")), new Set(["L2", "L3"]));

  (learning.lessons[2] as Lesson).status = "retired";
  assert.deepEqual(searchLessons(learning, "notes", "midnight"), ["L2"]);

  learning.lessons = learning.lessons.filter((candidate) => candidate.id !== "L1");
  assert.deepEqual(searchLessons(learning, "notes", "backup"), []);
  assert.deepEqual(searchLessons(learning, undefined, "backup"), []);
  assert.deepEqual(
    recallMemory(learning, undefined, "midnight").lessons.map((found) => found.id),
    ["L2"],
  );
});

test("a goal's search sees its own lessons and goal-less ones, and follows a lesson moved to another goal", () => {
  const learning = learningWith([
    lesson("L1", "backup needs the disk mounted", "backup"),
    lesson("L2", "the disk is slow on mondays", null),
    lesson("L3", "report the disk usage weekly", "report"),
  ]);
  assert.deepEqual(new Set(searchLessons(learning, "backup", "disk")), new Set(["L1", "L2"]));
  assert.deepEqual(new Set(searchLessons(learning, "report", "disk")), new Set(["L2", "L3"]));
  assert.deepEqual(new Set(searchLessons(learning, undefined, "disk")), new Set(["L1", "L2", "L3"]));

  (learning.lessons[2] as Lesson).scope = { goal: "backup", keywords: [] };
  assert.deepEqual(new Set(searchLessons(learning, "backup", "disk")), new Set(["L1", "L2", "L3"]));
  assert.deepEqual(searchLessons(learning, "report", "disk"), ["L2"]);

  // A goal first recalled after the indexes were built, and a goal-less lesson added later, reach it too.
  learning.lessons.push(
    lesson("L4", "the disk of the feed is full", "feed"),
    lesson("L5", "the disk needs a check", null),
  );
  assert.deepEqual(new Set(searchLessons(learning, "feed", "disk")), new Set(["L2", "L4", "L5"]));
  assert.deepEqual(new Set(searchLessons(learning, "report", "disk")), new Set(["L2", "L5"]));
});

test("pinned lessons come through whatever the goal and the query", () => {
  const lessons = makeBenchLessons(2000, { cycles: 100 });
  const pinned = {
    ...lesson("P1", "always write the summary in English", null),
    status: "pinned" as const,
    source: "operator" as const,
  };
  const learning = learningWith([...lessons, pinned]);
  for (const { goalId, query } of makeRecallQueries(5)) {
    const recalled = recallMemory(learning, goalId, query).lessons;
    assert.ok(
      recalled.some((found) => found.id === "P1"),
      `${goalId}: ${query}`,
    );
    for (const found of recalled)
      assert.ok(
        found.status === "pinned" || found.scope.goal === goalId || found.scope.goal === undefined,
        `${found.id} is of ${found.scope.goal}, not ${goalId}`,
      );
  }
});

test("stop words are not searched and distinct query words are capped in order of first appearance", () => {
  const terms = queryTerms("Keep the notes up to date and the notes sorted");
  assert.deepEqual(
    [...terms],
    [
      ["keep", 1],
      ["notes", 2],
      ["date", 1],
      ["sorted", 1],
    ],
  );
  const many = Array.from({ length: MAX_QUERY_TERMS + 10 }, (_, index) => `word${index}`).join(" ");
  const capped = queryTerms(`${many} word0`);
  assert.equal(capped.size, MAX_QUERY_TERMS);
  assert.equal(capped.get("word0"), 2);
  assert.equal(capped.has(`word${MAX_QUERY_TERMS}`), false);
});

test("repeated query words, searched once with their count as weight, rank a goal's candidates as a fresh search over them does", () => {
  const lessons = makeBenchLessons(2000, { cycles: 100 }).filter((candidate) => candidate.status !== "retired");
  const learning = learningWith(lessons);
  for (const { goalId, query } of makeRecallQueries(10)) {
    const repeated = `${query} ${query.split(" ").slice(-6).join(" ")}`;
    const fresh = new MiniSearch<{ id: string; text: string; keywords: string; goal: string }>({
      fields: ["text", "keywords", "goal"],
      searchOptions: { prefix: (term: string) => term.length >= 3, fuzzy: 0.2, boost: { goal: 2 } },
    });
    const candidates = lessons.filter(
      (candidate) => candidate.scope.goal === undefined || candidate.scope.goal === goalId,
    );
    assert.ok(candidates.length > 10);
    fresh.addAll(
      candidates.map((candidate) => ({
        id: candidate.id,
        text: candidate.text,
        keywords: candidate.scope.keywords.join(" "),
        goal: candidate.scope.goal ?? "",
      })),
    );
    // The same words as the recall searches (stop words out), each repetition searched again.
    const words = (MiniSearch.getDefault("tokenize")(repeated) as string[]).filter((word) => queryTerms(word).size > 0);
    const expected = fresh
      .search(words.join(" "), { combineWith: "OR" })
      .slice(0, 8)
      .map((hit) => String(hit.id));
    assert.deepEqual(searchLessons(learning, goalId, repeated).slice(0, 8), expected, repeated);
  }
});
