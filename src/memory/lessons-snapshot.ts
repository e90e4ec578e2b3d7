// Cheap change detection for the lessons, so the store writes only the lessons that changed since it last read or wrote them.
import type { Lesson } from "../learning/types.js";

/**
 * What {@link LessonsSnapshot} keeps of one lesson: every field the learning rules or the operator change, as the
 * values themselves (numbers, strings, and the identity of the objects a rule replaces). The text is kept by
 * reference (strings are immutable, so this copies nothing, and an edit of the same length is still seen); keywords
 * by their count and the scope object: a change to them comes with a new history entry (every rule records one
 * through `recordLessonChange`, and a new entry is a new object).
 */
export function observeLesson(lesson: Lesson, into: unknown[]): void {
  const mask = lesson.mask;
  const evidence = lesson.evidence;
  const history = lesson.history;
  into[0] = lesson.status;
  into[1] = lesson.kind;
  into[2] = lesson.source;
  into[3] = lesson.helpful;
  into[4] = lesson.harmful;
  into[5] = lesson.tainted;
  into[6] = lesson.text;
  into[7] = lesson.createdCycle;
  into[8] = lesson.lastUsedCycle;
  into[9] = lesson.lastUsedAt;
  into[10] = lesson.scope;
  into[11] = lesson.scope.goal;
  into[12] = lesson.scope.tool;
  into[13] = lesson.scope.keywords.length;
  into[14] = lesson.action;
  into[15] = lesson.action?.tool;
  into[16] = lesson.action?.args;
  into[17] = evidence.length;
  into[18] = evidence[evidence.length - 1];
  into[19] = mask;
  into[20] = mask?.fingerprint;
  into[21] = mask?.signature;
  into[22] = mask?.cooldownCycles;
  into[23] = mask?.untilCycle;
  into[24] = mask?.retests;
  into[25] = mask?.lastRetestCycle;
  into[26] = mask?.worlds?.length;
  into[27] = mask?.worlds?.[mask.worlds.length - 1];
  into[28] = lesson.stats?.successes;
  into[29] = lesson.stats?.failures;
  into[30] = history.length;
  into[31] = history[history.length - 1];
}

/** How many values {@link observeLesson} records. */
export const OBSERVED_FIELDS = 32;

/** Whether `lesson` still has every value {@link observeLesson} recorded in `seen`; reads no further than the first change. */
export function lessonUnchanged(lesson: Lesson, seen: readonly unknown[]): boolean {
  if (
    lesson.status !== seen[0] ||
    lesson.kind !== seen[1] ||
    lesson.source !== seen[2] ||
    lesson.helpful !== seen[3] ||
    lesson.harmful !== seen[4]
  )
    return false;
  if (
    lesson.tainted !== seen[5] ||
    lesson.text !== seen[6] ||
    lesson.createdCycle !== seen[7] ||
    lesson.lastUsedCycle !== seen[8] ||
    lesson.lastUsedAt !== seen[9]
  )
    return false;
  const scope = lesson.scope;
  if (scope !== seen[10] || scope.goal !== seen[11] || scope.tool !== seen[12] || scope.keywords.length !== seen[13])
    return false;
  const action = lesson.action;
  if (action !== seen[14] || action?.tool !== seen[15] || action?.args !== seen[16]) return false;
  const evidence = lesson.evidence;
  if (evidence.length !== seen[17] || evidence[evidence.length - 1] !== seen[18]) return false;
  const mask = lesson.mask;
  if (mask !== seen[19]) return false;
  if (mask !== undefined) {
    if (
      mask.fingerprint !== seen[20] ||
      mask.signature !== seen[21] ||
      mask.cooldownCycles !== seen[22] ||
      mask.untilCycle !== seen[23] ||
      mask.retests !== seen[24]
    )
      return false;
    if (
      mask.lastRetestCycle !== seen[25] ||
      mask.worlds?.length !== seen[26] ||
      mask.worlds?.[mask.worlds.length - 1] !== seen[27]
    )
      return false;
  }
  if (lesson.stats?.successes !== seen[28] || lesson.stats?.failures !== seen[29]) return false;
  const history = lesson.history;
  return history.length === seen[30] && history[history.length - 1] === seen[31];
}

/**
 * The lessons as this process last read or wrote them, compared field by field with the live ones, which costs a
 * fraction of serializing them all (see docs/PERFORMANCE.md, "The lessons snapshot"). test/memory runs every learning
 * rule and operator op against a full serialization.
 */
export class LessonsSnapshot {
  #seen = new Map<string, unknown[]>();
  /** The ids in the order they were written. */
  #order: string[] = [];
  /** What was observed of each lesson, aligned with {@link #order}: a lesson still in its place needs no map lookup. */
  #seenInOrder: Array<unknown[] | undefined> = [];
  #nextLessonId = 0;

  /** Records `lessons` as they are now (after a read or a write). */
  reset(lessons: readonly Lesson[], nextLessonId: number): void {
    this.#seen = new Map();
    this.#seenInOrder = [];
    for (const lesson of lessons) {
      const values = new Array<unknown>(OBSERVED_FIELDS);
      observeLesson(lesson, values);
      this.#seen.set(lesson.id, values);
      this.#seenInOrder.push(values);
    }
    this.#order = lessons.map((lesson) => lesson.id);
    this.#nextLessonId = nextLessonId;
  }

  /**
   * The lessons that are new or changed since the last {@link reset}/{@link commit}, with what was observed of each
   * now, the ids of those removed, and whether the id counter moved. Records nothing: pass the result to
   * {@link commit} once it is safely written (the lessons may change again meanwhile; what was observed here is what
   * was written).
   *
   * The usual case, every lesson where it was, is one pass with no lookups and no copies; a lesson added, removed or
   * moved sends it through the map.
   */
  diff(lessons: readonly Lesson[], nextLessonId: number): LessonsChange {
    const changed: Lesson[] = [];
    const observed: unknown[][] = [];
    const changedAt: number[] = [];
    const order = this.#order;
    const seenInOrder = this.#seenInOrder;
    let inPlace = lessons.length === order.length;
    for (let index = 0; index < lessons.length; index++) {
      const lesson = lessons[index] as Lesson;
      let seen: unknown[] | undefined;
      if (inPlace && order[index] === lesson.id) seen = seenInOrder[index];
      else {
        inPlace = false;
        seen = this.#seen.get(lesson.id);
      }
      if (seen !== undefined && lessonUnchanged(lesson, seen)) continue;
      const values = new Array<unknown>(OBSERVED_FIELDS);
      observeLesson(lesson, values);
      changed.push(lesson);
      observed.push(values);
      changedAt.push(index);
    }
    const counterMoved = nextLessonId !== this.#nextLessonId;
    if (inPlace)
      return { changed, observed, changedAt, removed: [], ids: order, reordered: false, nextLessonId, counterMoved };
    const ids = lessons.map((lesson) => lesson.id);
    const keptIds = ids.filter((id) => this.#seen.has(id));
    const removed: string[] = [];
    let kept = order;
    if (keptIds.length !== this.#seen.size) {
      const live = new Set(ids);
      for (const id of this.#seen.keys()) if (!live.has(id)) removed.push(id);
      kept = order.filter((id) => live.has(id));
    }
    // Nothing in Apprentice reorders lessons, but a reordering must not be lost: lessons-changes.jsonl cannot say it.
    const reordered = kept.length !== keptIds.length || keptIds.some((id, index) => kept[index] !== id);
    return { changed, observed, changedAt, removed, ids, reordered, nextLessonId, counterMoved };
  }

  /** Records a written change. */
  commit(change: LessonsChange): void {
    change.changed.forEach((lesson, index) => this.#seen.set(lesson.id, change.observed[index] as unknown[]));
    for (const id of change.removed) this.#seen.delete(id);
    if (change.ids === this.#order) {
      // Same order as recorded: only the changed places move on.
      change.changedAt.forEach((at, index) => (this.#seenInOrder[at] = change.observed[index]));
    } else {
      this.#order = change.ids;
      this.#seenInOrder = change.ids.map((id) => this.#seen.get(id));
    }
    this.#nextLessonId = change.nextLessonId;
  }
}

/** What {@link LessonsSnapshot.diff} found. */
export interface LessonsChange {
  changed: Lesson[];
  /** What was observed of each changed lesson, in the same order. */
  observed: unknown[][];
  /** The place of each changed lesson in `ids`. */
  changedAt: number[];
  removed: string[];
  /** Every live lesson's id, in order. */
  ids: string[];
  /** The lessons kept are in another order than written. */
  reordered: boolean;
  nextLessonId: number;
  counterMoved: boolean;
}
