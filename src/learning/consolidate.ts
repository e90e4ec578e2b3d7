// Periodic consolidation of lessons by delta operations only (dedupe, decay, retire, cap): all or nothing, never more than 25% of active lessons dropped, operator and pinned lessons never.
import { addEvidence, isProtectedLesson, judgeCounts, recordLessonChange, retireLesson } from "./citation-rules.js";
import type { ChangeContext } from "./citation-rules.js";
import type { Lesson, LearningData, LearningDelta } from "./types.js";

/** Largest share of active lessons one consolidation may retire. */
export const MAX_DROP_FRACTION = 0.25;
/** Retired lessons kept, as a multiple of `maxLessons`; older ones are deleted. */
export const RETIRED_KEPT_FACTOR = 4;

/** Cycle, time and limits of one consolidation (config `learning.maxLessons`, default 200). */
export interface ConsolidateContext extends ChangeContext {
  /** Active lessons to keep at most. */
  maxLessons: number;
  /** Provisional self lessons with no activity for more than this many cycles are retired. */
  decayAfterCycles: number;
}

/** The outcome of {@link consolidateLessons}: the deltas applied, or why nothing was. */
export type ConsolidateResult = { ok: true; deltas: LearningDelta[] } | { ok: false; reason: string };

interface PlannedDrop {
  lesson: Lesson;
  reason: string;
  /** Set for a duplicate: the older lesson it merges into. */
  mergeInto?: Lesson;
}

/**
 * Plans dedupe, decay, retirement by counts and the cap on `data.lessons`, then applies the plan only if it retires
 * at most {@link MAX_DROP_FRACTION} of the active lessons; otherwise changes nothing and says why. Afterwards retired
 * lessons beyond {@link RETIRED_KEPT_FACTOR} × `maxLessons` are deleted, oldest retirement first (not a drop).
 */
export function consolidateLessons(data: LearningData, ctx: ConsolidateContext): ConsolidateResult {
  const active = data.lessons.filter((lesson) => lesson.status !== "retired");
  const drops = new Map<string, PlannedDrop>();
  const merged = new Map<string, { helpful: number; harmful: number; activity: number }>();
  for (const lesson of active)
    merged.set(lesson.id, { helpful: lesson.helpful, harmful: lesson.harmful, activity: lastActivityCycle(lesson) });

  for (const group of groupDuplicates(active)) {
    const keeper = group.find(isProtectedLesson) ?? group[0];
    if (!keeper) continue;
    const total = merged.get(keeper.id);
    for (const lesson of group) {
      if (lesson === keeper || isProtectedLesson(lesson) || !total) continue;
      drops.set(lesson.id, { lesson, reason: `merged into ${keeper.id}`, mergeInto: keeper });
      total.helpful += lesson.helpful;
      total.harmful += lesson.harmful;
      total.activity = Math.max(total.activity, lastActivityCycle(lesson));
    }
  }

  const remaining = (): Lesson[] => active.filter((lesson) => !drops.has(lesson.id));
  for (const lesson of remaining()) {
    const counts = merged.get(lesson.id);
    if (!counts || isProtectedLesson(lesson)) continue;
    const idle = ctx.cycle - counts.activity;
    if (lesson.status === "provisional" && lesson.source === "self" && !lesson.mask && idle > ctx.decayAfterCycles) {
      drops.set(lesson.id, {
        lesson,
        reason: `decayed: unused for ${idle} cycles (more than ${ctx.decayAfterCycles})`,
      });
      continue;
    }
    const verdict = judgeCounts({ ...lesson, helpful: counts.helpful, harmful: counts.harmful });
    if (verdict.verdict === "retire") drops.set(lesson.id, { lesson, reason: verdict.reason });
  }

  const left = remaining();
  if (left.length > ctx.maxLessons) {
    const score = (lesson: Lesson): number => {
      const counts = merged.get(lesson.id);
      return counts ? counts.helpful - counts.harmful : 0;
    };
    const candidates = left
      .filter((lesson) => lesson.status === "provisional" && lesson.source === "self" && !lesson.mask)
      .sort(
        (a, b) =>
          score(a) - score(b) ||
          (merged.get(a.id)?.activity ?? 0) - (merged.get(b.id)?.activity ?? 0) ||
          compareAge(a, b),
      );
    for (const lesson of candidates.slice(0, left.length - ctx.maxLessons)) {
      drops.set(lesson.id, {
        lesson,
        reason: `over the cap of ${ctx.maxLessons} active lessons; lowest helpful − harmful (${score(lesson)})`,
      });
    }
  }

  if (drops.size > active.length * MAX_DROP_FRACTION) {
    return {
      ok: false,
      reason: `consolidation would retire ${drops.size} of ${active.length} active lessons, more than ${MAX_DROP_FRACTION * 100}%; nothing changed`,
    };
  }

  const deltas: LearningDelta[] = [];
  for (const { lesson, reason, mergeInto } of drops.values()) {
    if (mergeInto) deltas.push(mergeLesson(lesson, mergeInto, ctx));
    delete lesson.mask;
    deltas.push(retireLesson(lesson, reason, ctx));
  }
  deltas.push(...deleteOldRetired(data, RETIRED_KEPT_FACTOR * ctx.maxLessons));
  data.lastConsolidationCycle = ctx.cycle;
  return { ok: true, deltas };
}

/** The dedupe key: same kind, same normalized text, same goal and same action. */
function dedupeKey(lesson: Lesson): string {
  const text = lesson.text.toLowerCase().replace(/\s+/g, " ").trim();
  return JSON.stringify([
    lesson.kind,
    text,
    lesson.scope.goal ?? null,
    lesson.action?.tool ?? null,
    lesson.action?.args ?? null,
  ]);
}

/** Groups of two or more active duplicates, each oldest first. */
function groupDuplicates(active: Lesson[]): Lesson[][] {
  const groups = new Map<string, Lesson[]>();
  for (const lesson of active) {
    const key = dedupeKey(lesson);
    const group = groups.get(key);
    if (group) group.push(lesson);
    else groups.set(key, [lesson]);
  }
  return [...groups.values()].filter((group) => group.length > 1).map((group) => group.sort(compareAge));
}

function mergeLesson(from: Lesson, into: Lesson, ctx: ChangeContext): LearningDelta {
  into.helpful += from.helpful;
  into.harmful += from.harmful;
  addEvidence(into, from.evidence);
  // Taint follows the counts: a duplicate learned from world content must not lend them to a clean provisional lesson,
  // which they could then promote. A trusted, pinned or operator lesson is past promotion and keeps its word.
  if (from.tainted && into.status === "provisional") into.tainted = true;
  if (!into.mask && from.mask) into.mask = { ...from.mask };
  if ((from.lastUsedCycle ?? -1) > (into.lastUsedCycle ?? -1)) {
    into.lastUsedCycle = from.lastUsedCycle;
    into.lastUsedAt = from.lastUsedAt;
  }
  const reason = `absorbed duplicate ${from.id} (helpful now ${into.helpful}, harmful ${into.harmful})`;
  recordLessonChange(into, "merged", reason, ctx);
  return { id: into.id, change: "merged", reason };
}

function deleteOldRetired(data: LearningData, keep: number): LearningDelta[] {
  const retired = data.lessons.filter((lesson) => lesson.status === "retired");
  if (retired.length <= keep) return [];
  const doomed = retired
    .sort((a, b) => retiredCycle(a) - retiredCycle(b) || compareAge(a, b))
    .slice(0, retired.length - keep);
  const ids = new Set(doomed.map((lesson) => lesson.id));
  data.lessons = data.lessons.filter((lesson) => !ids.has(lesson.id));
  return doomed.map((lesson) => ({
    id: lesson.id,
    change: "deleted",
    reason: `retired since cycle ${retiredCycle(lesson)}; more than ${keep} retired lessons kept`,
  }));
}

/** The latest cycle the lesson was created, cited or changed in (flaky stats and retests change a lesson without a citation). */
function lastActivityCycle(lesson: Lesson): number {
  const changed = lesson.history.at(-1)?.cycle ?? lesson.createdCycle;
  return Math.max(lesson.createdCycle, lesson.lastUsedCycle ?? lesson.createdCycle, changed);
}

function retiredCycle(lesson: Lesson): number {
  return lesson.history.findLast((entry) => entry.change === "retired")?.cycle ?? lesson.createdCycle;
}

function compareAge(a: Lesson, b: Lesson): number {
  return a.createdCycle - b.createdCycle || idNumber(a.id) - idNumber(b.id);
}

function idNumber(id: string): number {
  return Number.parseInt(id.replace(/^\D+/, ""), 10) || 0;
}
