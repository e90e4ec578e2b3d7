// Picks the lessons and skills worth showing this cycle: pinned and trusted first, then BM25 (minisearch) over the goal and recent errors.
import MiniSearch from "minisearch";
import { describeAction, normalizeAction } from "../learning/action-key.js";
import type { Lesson, LearningData } from "../learning/types.js";

type LessonDoc = { id: string; text: string; keywords: string; goal: string };

/** A lesson index kept between recalls, and what each indexed lesson looked like when it was added. */
interface LessonIndex {
  index: MiniSearch<LessonDoc>;
  /** What each indexed lesson's searched fields were when it was added. */
  indexed: Map<string, { text: string; goal: string | undefined; keywords: string[] }>;
}

// Prefix matching for words of three letters or more: as a prefix, "no" or "a" matches nearly every lesson, which
// costs a scoring pass over all of them and says nothing about relevance.
const SEARCH_OPTIONS = { prefix: (term: string) => term.length >= 3, fuzzy: 0.2, boost: { goal: 2 } };
/** Discarded entries, as a share of the indexed ones, above which the index is rebuilt rather than patched. */
const MAX_DIRT_SHARE = 0.2;

// One index per learning object (the db's, in a daemon): built once, then kept in step with the active lessons.
const indexes = new WeakMap<LearningData, LessonIndex>();

/** Lessons shown per cycle at most; the prompt budget may cut further. */
export const MAX_RECALLED_LESSONS = 8;

export interface RecalledMemory {
  lessons: Lesson[];
  /** The lessons as prompt lines, with their ids so the model can cite them. */
  lessonText: string;
  skillText: string;
}

/**
 * Operator lessons (pinned) always come first, then lessons scoped to this goal, then the best BM25 matches for
 * `query` (goal title plus recent failure signatures). Retired lessons are never recalled.
 */
export function recallMemory(learning: LearningData, goalId: string | undefined, query: string): RecalledMemory {
  const active = learning.lessons.filter((lesson) => lesson.status !== "retired");
  const chosen: Lesson[] = [];
  const add = (lesson: Lesson): void => {
    if (chosen.length < MAX_RECALLED_LESSONS && !chosen.includes(lesson)) chosen.push(lesson);
  };
  for (const lesson of active) if (lesson.status === "pinned") add(lesson);
  for (const lesson of active) if (goalId !== undefined && lesson.scope.goal === goalId && lesson.status === "trusted") add(lesson);
  if (query.trim().length > 0 && active.length > 0) {
    const byId = new Map(active.map((lesson) => [lesson.id, lesson]));
    for (const hit of searchLessons(learning, active, query)) {
      const lesson = byId.get(hit);
      if (lesson !== undefined) add(lesson);
    }
  }
  for (const lesson of active) if (goalId !== undefined && lesson.scope.goal === goalId) add(lesson);

  const lessonText = chosen
    .map((lesson) => `- [${lesson.id}] (${lesson.kind}, ${lesson.status}, ${lesson.source}${lesson.tainted ? ", from world content" : ""}) ${lesson.text}`)
    .join("\n");
  const skills = learning.skills.filter((skill) => skill.status === "active");
  const skillText = skills
    .map((skill) => `- [${skill.id}] for goal ${skill.goal}: ${skill.steps.map((step) => describeAction(normalizeAction(step.tool, step.args))).join(" → ")} (${skill.successes} ok, ${skill.failures} failed)`)
    .join("\n");
  return { lessons: chosen, lessonText, skillText };
}

/**
 * Ids of the best BM25 matches for `query`, best first. The index is kept between calls and patched: lessons that are
 * new or changed since they were indexed are (re)added, lessons no longer active are discarded. Repeated query words
 * (the same failure signature seen ten times) are searched once, weighted by their count, which scores exactly as
 * searching each repetition did, at a fraction of the cost.
 */
export function searchLessons(learning: LearningData, active: readonly Lesson[], query: string): string[] {
  const { index, indexed } = syncIndex(learning, active);
  const counts = new Map<string, number>();
  for (const term of MiniSearch.getDefault("tokenize")(query) as string[]) {
    const processed = (MiniSearch.getDefault("processTerm") as (term: string) => string | null | undefined)(term);
    if (processed) counts.set(processed, (counts.get(processed) ?? 0) + 1);
  }
  if (counts.size === 0 || indexed.size === 0) return [];
  const hits = index.search([...counts.keys()].join(" "), { combineWith: "OR", boostTerm: (term) => counts.get(term) ?? 1 });
  return hits.map((hit) => String(hit.id));
}

function syncIndex(learning: LearningData, active: readonly Lesson[]): LessonIndex {
  let cached = indexes.get(learning);
  if (cached === undefined || cached.index.dirtCount > MAX_DIRT_SHARE * Math.max(1, cached.indexed.size)) {
    cached = { index: new MiniSearch<LessonDoc>({ fields: ["text", "keywords", "goal"], searchOptions: SEARCH_OPTIONS, autoVacuum: false }), indexed: new Map() };
    indexes.set(learning, cached);
  }
  const { index, indexed } = cached;
  for (const lesson of active) {
    const before = indexed.get(lesson.id);
    if (before !== undefined && before.text === lesson.text && before.goal === lesson.scope.goal && sameWords(before.keywords, lesson.scope.keywords)) continue;
    if (before !== undefined) index.discard(lesson.id);
    index.add({ id: lesson.id, text: lesson.text, keywords: lesson.scope.keywords.join(" "), goal: lesson.scope.goal ?? "" });
    indexed.set(lesson.id, { text: lesson.text, goal: lesson.scope.goal, keywords: [...lesson.scope.keywords] });
  }
  // Every active lesson is indexed now; more entries than active lessons means some were retired or deleted.
  if (indexed.size > active.length) {
    const activeIds = new Set(active.map((lesson) => lesson.id));
    for (const id of [...indexed.keys()]) {
      if (activeIds.has(id)) continue;
      index.discard(id);
      indexed.delete(id);
    }
  }
  return cached;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}
