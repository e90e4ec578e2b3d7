// Cheap change detection for the lessons, so the store writes only the lessons that changed since it last read or wrote them.
import type { Lesson } from "../learning/types.js";

/**
 * What {@link LessonsSnapshot} keeps of one lesson: every field the learning rules or the operator change, as the
 * values themselves (numbers, strings, and the identity of the objects a rule replaces). The text is kept by
 * reference (strings are immutable, so this copies nothing, and an edit of the same length is still seen); keywords
 * by their count and the scope object: a change to them comes with a new history entry (every rule records one
 * through `recordLessonChange`, and a new entry is a new object).
 */
function observe(lesson: Lesson, into: unknown[]): void {
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

const FIELDS = 32;

/**
 * The lessons as this process last read or wrote them, compared field by field with the live ones: about 7 ms for
 * 10 000 lessons, where serializing them all costs about 80. test/memory runs every learning rule and operator op
 * against a full serialization.
 */
export class LessonsSnapshot {
  #seen = new Map<string, unknown[]>();
  /** The ids in the order they were written. */
  #order: string[] = [];
  #nextLessonId = 0;

  /** Records `lessons` as they are now (after a read or a write). */
  reset(lessons: readonly Lesson[], nextLessonId: number): void {
    this.#seen = new Map();
    for (const lesson of lessons) {
      const values = new Array<unknown>(FIELDS);
      observe(lesson, values);
      this.#seen.set(lesson.id, values);
    }
    this.#order = lessons.map((lesson) => lesson.id);
    this.#nextLessonId = nextLessonId;
  }

  /**
   * The lessons that are new or changed since the last {@link reset}/{@link commit}, with what was observed of each
   * now, the ids of those removed, and whether the id counter moved. Records nothing: pass the result to
   * {@link commit} once it is safely written (the lessons may change again meanwhile; what was observed here is what
   * was written).
   */
  diff(lessons: readonly Lesson[], nextLessonId: number): LessonsChange {
    const changed: Lesson[] = [];
    const observed: unknown[][] = [];
    const ids: string[] = [];
    const keptIds: string[] = [];
    let values = new Array<unknown>(FIELDS);
    for (const lesson of lessons) {
      const seen = this.#seen.get(lesson.id);
      ids.push(lesson.id);
      observe(lesson, values);
      if (seen !== undefined) {
        keptIds.push(lesson.id);
        let same = true;
        for (let index = 0; index < FIELDS && same; index++) same = values[index] === seen[index];
        if (same) continue;
      }
      changed.push(lesson);
      observed.push(values);
      values = new Array<unknown>(FIELDS);
    }
    const removed: string[] = [];
    let order = this.#order;
    if (keptIds.length !== this.#seen.size) {
      const live = new Set(ids);
      for (const id of this.#seen.keys()) if (!live.has(id)) removed.push(id);
      order = order.filter((id) => live.has(id));
    }
    // Nothing in Apprentice reorders lessons, but a reordering must not be lost: lessons-changes.jsonl cannot say it.
    const reordered = order.length !== keptIds.length || keptIds.some((id, index) => order[index] !== id);
    return { changed, observed, removed, ids, reordered, nextLessonId, counterMoved: nextLessonId !== this.#nextLessonId };
  }

  /** Records a written change. */
  commit(change: LessonsChange): void {
    change.changed.forEach((lesson, index) => this.#seen.set(lesson.id, change.observed[index] as unknown[]));
    for (const id of change.removed) this.#seen.delete(id);
    this.#order = change.ids;
    this.#nextLessonId = change.nextLessonId;
  }
}

/** What {@link LessonsSnapshot.diff} found. */
export interface LessonsChange {
  changed: Lesson[];
  /** What was observed of each changed lesson, in the same order. */
  observed: unknown[][];
  removed: string[];
  /** Every live lesson's id, in order. */
  ids: string[];
  /** The lessons kept are in another order than written. */
  reordered: boolean;
  nextLessonId: number;
  counterMoved: boolean;
}
