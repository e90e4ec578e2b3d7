// A cheap signature of the lessons, so the store rewrites lessons.json only when they changed: every field the learning rules change goes into it, and every rule's change appends to the lesson's history.
import type { LearningData, Lesson } from "../learning/types.js";

/**
 * A signature of `learning.lessons` and `learning.nextLessonId` that changes whenever a lesson is added, removed,
 * reordered or changed by the learning rules or the operator: ids, counts, status, masks, stats, evidence, the last
 * history entry and the lengths of the texts. It reads about thirty fields per lesson and hashes no long text,
 * so it costs about 15 ms at 10 000 lessons where serializing them costs about 80.
 *
 * What it relies on: a change to a lesson's free text or keywords comes with a change of its length or with a new
 * history entry (every rule records one through `recordLessonChange`). test/memory covers the rules against a
 * full serialization.
 */
export function lessonsSignature(learning: Pick<LearningData, "lessons" | "nextLessonId">): string {
  const hash = new SignatureHash();
  hash.number(learning.nextLessonId);
  hash.number(learning.lessons.length);
  for (const lesson of learning.lessons) addLesson(hash, lesson);
  return hash.digest();
}

function addLesson(hash: SignatureHash, lesson: Lesson): void {
  hash.text(lesson.id);
  hash.text(lesson.status);
  hash.text(lesson.kind);
  hash.text(lesson.source);
  hash.number(lesson.helpful);
  hash.number(lesson.harmful);
  hash.number(lesson.tainted ? 1 : 0);
  hash.number(lesson.text.length);
  hash.number(lesson.createdCycle);
  hash.number(lesson.lastUsedCycle ?? -1);
  hash.text(lesson.lastUsedAt ?? "");
  hash.text(lesson.scope.goal ?? "");
  hash.text(lesson.scope.tool ?? "");
  hash.number(lesson.scope.keywords.length);
  hash.text(lesson.action?.tool ?? "");
  hash.number(lesson.action?.args.length ?? -1);
  hash.number(lesson.evidence.length);
  hash.text(lesson.evidence[lesson.evidence.length - 1] ?? "");
  const mask = lesson.mask;
  if (mask === undefined) hash.number(-1);
  else {
    hash.text(mask.fingerprint);
    hash.text(mask.signature);
    hash.number(mask.cooldownCycles);
    hash.number(mask.untilCycle);
    hash.number(mask.retests);
    hash.number(mask.lastRetestCycle ?? -1);
    hash.number(mask.worlds?.length ?? -1);
    hash.text(mask.worlds?.[mask.worlds.length - 1] ?? "");
  }
  hash.number(lesson.stats?.successes ?? -1);
  hash.number(lesson.stats?.failures ?? -1);
  hash.number(lesson.history.length);
  const last = lesson.history[lesson.history.length - 1];
  if (last !== undefined) {
    hash.number(last.cycle);
    hash.text(last.at);
    hash.text(last.change);
    hash.number(last.reason.length);
    hash.number(last.cooldownCycles ?? -1);
  }
  // Unknown fields (a later version's) are kept on rewrite; their number at least is watched.
  hash.number(Object.keys(lesson).length);
}

/** Two independent 32-bit FNV-1a style hashes over numbers and short strings; 64 bits make an accidental match negligible. */
class SignatureHash {
  #a = 0x811c9dc5;
  #b = 0x01000193;

  number(value: number): void {
    // Numbers here are integers or -1; fractional ones still differ in their low bits after scaling.
    const low = value | 0;
    const high = Math.floor(value / 4294967296) | 0;
    this.#mix(low);
    this.#mix(high);
    this.#mix(0x2c);
  }

  text(value: string): void {
    for (let index = 0; index < value.length; index++) this.#mix(value.charCodeAt(index));
    this.#mix(value.length);
    this.#mix(0x1f);
  }

  #mix(value: number): void {
    this.#a = Math.imul(this.#a ^ value, 0x01000193);
    this.#b = Math.imul(this.#b ^ value, 0x5bd1e995) ^ (this.#b >>> 15);
  }

  digest(): string {
    return `${(this.#a >>> 0).toString(16)}-${(this.#b >>> 0).toString(16)}`;
  }
}
