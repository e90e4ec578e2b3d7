// Picks the lessons and skills worth showing this cycle: pinned and trusted first, then BM25 (minisearch) over the goal's own and goal-less lessons.
import MiniSearch from "minisearch";
import { describeAction, normalizeAction } from "../learning/action-key.js";
import type { Lesson, LearningData } from "../learning/types.js";
import { toOneLine } from "../text/safe-text.js";

type LessonDoc = { id: string; text: string; keywords: string; goal: string };

/** An indexed lesson: the lesson as last seen, and its searched fields as they were indexed. */
interface IndexedLesson {
  lesson: Lesson;
  text: string;
  goal: string | undefined;
  keywords: string[];
  /** The sync pass that last saw this lesson among the candidates; an older one means it left them. */
  seenPass: number;
}

/** One goal's BM25 candidates (its own active lessons and the active ones with no goal), kept between recalls. */
interface CandidateIndex {
  index: MiniSearch<LessonDoc>;
  indexed: Map<string, IndexedLesson>;
  pass: number;
}

// Prefix matching for words of three letters or more: as a prefix, "no" or "a" matches nearly every lesson, which
// costs a scoring pass over all of them and says nothing about relevance.
const SEARCH_OPTIONS = { prefix: (term: string) => term.length >= 3, fuzzy: 0.2, boost: { goal: 2 } };
/** Discarded entries, as a share of the indexed ones, above which an index is rebuilt rather than patched. */
const MAX_DIRT_SHARE = 0.2;
/** Distinct query words searched at most, in order of first appearance (goal titles come first). */
export const MAX_QUERY_TERMS = 32;
/**
 * Query words not searched: nearly every lesson holds them, so they cost a scoring pass over all candidates and add
 * the same small score to almost every one. Short on purpose: "no", "not" and "before" carry meaning in lessons.
 */
export const QUERY_STOP_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "by",
  "for",
  "from",
  "in",
  "into",
  "is",
  "it",
  "its",
  "of",
  "on",
  "or",
  "so",
  "than",
  "that",
  "the",
  "then",
  "this",
  "to",
  "up",
  "was",
  "with",
]);
/** Candidate-index key of a recall without a goal: every active lesson is a candidate. */
const EVERY_GOAL = "\u0000every goal";

// Per learning object (the db's, in a daemon): one index per goal, built together on the first recall and each kept in
// step with its candidates when that goal is recalled.
const indexes = new WeakMap<LearningData, Map<string, CandidateIndex>>();

/** Lessons shown per cycle at most; the prompt budget may cut further. */
export const MAX_RECALLED_LESSONS = 8;

export interface RecalledMemory {
  lessons: Lesson[];
  /**
   * The lessons in the agent's or the operator's own words, as prompt lines with their ids so the model can cite them;
   * each text on one line (`toOneLine`), so none can add a line that reads as a prompt section.
   */
  lessonText: string;
  /**
   * The lessons whose text may carry world text (see {@link quotesWorldText}), as lines like {@link lessonText}'s: the
   * prompt shows them fenced as quoted data.
   */
  quotedLessonText: string;
  skillText: string;
}

/**
 * Whether a lesson's text may carry world text: a tainted lesson (learned from a cycle that read world content) or one
 * the outcome rules wrote about an action (masks and flaky notes quote the action's arguments and its failure
 * signature, which holds a command's stderr or a file name). An operator's own lesson never does.
 */
export function quotesWorldText(lesson: Lesson): boolean {
  return lesson.source !== "operator" && (lesson.tainted || lesson.action !== undefined);
}

/**
 * Operator lessons (pinned) always come first, then trusted lessons scoped to this goal, then the best BM25 matches
 * for `query` (goal title plus recent failure signatures) among this goal's lessons and those with no goal, then the
 * goal's other lessons. Retired lessons are never recalled.
 */
export function recallMemory(learning: LearningData, goalId: string | undefined, query: string): RecalledMemory {
  // One pass over the lessons for everything, without copying the list: on a large store a filtered copy and an id map
  // per call cost more than the search itself, and every pass costs cache misses (see docs/PERFORMANCE.md, "Recall").
  // Goal lessons are kept up to twice the cap, since at most the cap of them are already chosen when they are added.
  const pinned: Lesson[] = [];
  const trustedOfGoal: Lesson[] = [];
  const ofGoal: Lesson[] = [];
  const collect = (lesson: Lesson): void => {
    if (lesson.status === "pinned" && pinned.length < MAX_RECALLED_LESSONS) pinned.push(lesson);
    if (goalId === undefined || lesson.scope.goal !== goalId) return;
    if (lesson.status === "trusted" && trustedOfGoal.length < MAX_RECALLED_LESSONS) trustedOfGoal.push(lesson);
    if (ofGoal.length < 2 * MAX_RECALLED_LESSONS) ofGoal.push(lesson);
  };
  const terms = queryTerms(query);
  let matches: Lesson[] = [];
  if (terms.size > 0) matches = searchIndex(syncCandidates(learning, goalId ?? EVERY_GOAL, collect), terms);
  else for (const lesson of learning.lessons) if (lesson.status !== "retired") collect(lesson);
  const chosen: Lesson[] = [];
  const add = (lesson: Lesson): void => {
    if (chosen.length < MAX_RECALLED_LESSONS && !chosen.includes(lesson)) chosen.push(lesson);
  };
  pinned.forEach(add);
  trustedOfGoal.forEach(add);
  matches.forEach(add);
  ofGoal.forEach(add);

  const line = (lesson: Lesson): string =>
    `- [${lesson.id}] (${lesson.kind}, ${lesson.status}, ${lesson.source}${lesson.tainted ? ", from world content" : ""}) ${toOneLine(lesson.text)}`;
  const lessonText = chosen
    .filter((lesson) => !quotesWorldText(lesson))
    .map(line)
    .join("\n");
  const quotedLessonText = chosen.filter(quotesWorldText).map(line).join("\n");
  const skills = learning.skills.filter((skill) => skill.status === "active");
  const skillText = skills
    .map(
      (skill) =>
        `- [${skill.id}] for goal ${skill.goal}: ${skill.steps.map((step) => toOneLine(describeAction(normalizeAction(step.tool, step.args)))).join(" → ")} (${skill.successes} ok, ${skill.failures} failed)`,
    )
    .join("\n");
  return { lessons: chosen, lessonText, quotedLessonText, skillText };
}

/**
 * Ids of the best BM25 matches for `query`, best first, among the active lessons scoped to `goalId` and those with no
 * goal (every active lesson when `goalId` is undefined). A lesson learned for another goal is not a candidate: masks
 * and skills are per goal too, and scoring every lesson of every goal would make recall grow with the whole store
 * (see docs/PERFORMANCE.md, "Recall"). Stop words are not searched, at most {@link MAX_QUERY_TERMS} distinct words are, and a
 * repeated word (the same failure signature seen ten times) is searched once, weighted by its count, which scores
 * exactly as searching each repetition did. The ranking is that of a fresh minisearch index over the candidates.
 */
export function searchLessons(learning: LearningData, goalId: string | undefined, query: string): string[] {
  const terms = queryTerms(query);
  if (terms.size === 0) return [];
  return searchIndex(syncCandidates(learning, goalId ?? EVERY_GOAL), terms).map((lesson) => lesson.id);
}

/** The indexed lessons matching any of `counts`' words, best first; each word weighted by its count. */
function searchIndex({ index, indexed }: CandidateIndex, counts: ReadonlyMap<string, number>): Lesson[] {
  if (indexed.size === 0) return [];
  const hits = index.search([...counts.keys()].join(" "), {
    combineWith: "OR",
    boostTerm: (term) => counts.get(term) ?? 1,
  });
  const found: Lesson[] = [];
  for (const hit of hits) {
    const entry = indexed.get(String(hit.id));
    if (entry !== undefined) found.push(entry.lesson);
  }
  return found;
}

/** The query's searched words (minisearch's own tokenizer and term processing) with how often each occurs. */
export function queryTerms(query: string): Map<string, number> {
  const counts = new Map<string, number>();
  const processTerm = MiniSearch.getDefault("processTerm") as (term: string) => string | null | undefined;
  for (const term of MiniSearch.getDefault("tokenize")(query) as string[]) {
    const processed = processTerm(term);
    if (!processed || QUERY_STOP_WORDS.has(processed)) continue;
    const count = counts.get(processed);
    if (count !== undefined) counts.set(processed, count + 1);
    else if (counts.size < MAX_QUERY_TERMS) counts.set(processed, 1);
  }
  return counts;
}

function newCandidateIndex(): CandidateIndex {
  return {
    index: new MiniSearch<LessonDoc>({
      fields: ["text", "keywords", "goal"],
      searchOptions: SEARCH_OPTIONS,
      autoVacuum: false,
    }),
    indexed: new Map(),
    pass: 0,
  };
}

function addToIndex(candidates: CandidateIndex, lesson: Lesson): void {
  candidates.index.add({
    id: lesson.id,
    text: lesson.text,
    keywords: lesson.scope.keywords.join(" "),
    goal: lesson.scope.goal ?? "",
  });
  candidates.indexed.set(lesson.id, {
    lesson,
    text: lesson.text,
    goal: lesson.scope.goal,
    keywords: [...lesson.scope.keywords],
    seenPass: candidates.pass,
  });
}

/**
 * The first recall on a learning object indexes every goal's candidates in one pass over the lessons, so that no
 * later recall pays for building an index (as the single index of all lessons was built once before).
 */
function buildEveryGoal(learning: LearningData): Map<string, CandidateIndex> {
  const byGoal = new Map<string, CandidateIndex>();
  const goalless: Lesson[] = [];
  for (const lesson of learning.lessons) {
    if (lesson.status === "retired") continue;
    const goal = lesson.scope.goal;
    if (goal === undefined) {
      goalless.push(lesson);
      continue;
    }
    let candidates = byGoal.get(goal);
    if (candidates === undefined) byGoal.set(goal, (candidates = newCandidateIndex()));
    if (!candidates.indexed.has(lesson.id)) addToIndex(candidates, lesson);
  }
  for (const candidates of byGoal.values())
    for (const lesson of goalless) if (!candidates.indexed.has(lesson.id)) addToIndex(candidates, lesson);
  return byGoal;
}

/**
 * The candidate index of goal `key`, patched to the lessons as they are now: candidates that are new or changed since
 * they were indexed are (re)added, indexed lessons that are no longer candidates (retired, deleted, moved to another
 * goal) are discarded. One pass over the lessons without allocating, plus the changed ones; `onActive` sees every
 * active lesson on the way.
 */
function syncCandidates(learning: LearningData, key: string, onActive?: (lesson: Lesson) => void): CandidateIndex {
  let byGoal = indexes.get(learning);
  if (byGoal === undefined) indexes.set(learning, (byGoal = buildEveryGoal(learning)));
  let candidates = byGoal.get(key);
  if (candidates === undefined || candidates.index.dirtCount > MAX_DIRT_SHARE * Math.max(1, candidates.indexed.size)) {
    byGoal.set(key, (candidates = newCandidateIndex()));
  }
  const pass = ++candidates.pass;
  let members = 0;
  for (const lesson of learning.lessons) {
    if (lesson.status === "retired") continue;
    onActive?.(lesson);
    if (key !== EVERY_GOAL && lesson.scope.goal !== undefined && lesson.scope.goal !== key) continue;
    const before = candidates.indexed.get(lesson.id);
    if (before !== undefined && before.seenPass === pass) continue; // a duplicate id: the first one stands
    members += 1;
    if (
      before !== undefined &&
      before.text === lesson.text &&
      before.goal === lesson.scope.goal &&
      sameWords(before.keywords, lesson.scope.keywords)
    ) {
      before.lesson = lesson;
      before.seenPass = pass;
      continue;
    }
    if (before !== undefined) candidates.index.discard(lesson.id);
    addToIndex(candidates, lesson);
  }
  // Every candidate was seen in this pass; more entries than candidates means some left (retired, deleted, moved).
  if (candidates.indexed.size > members) {
    for (const [id, entry] of candidates.indexed) {
      if (entry.seenPass === pass) continue;
      candidates.index.discard(id);
      candidates.indexed.delete(id);
    }
  }
  return candidates;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}
