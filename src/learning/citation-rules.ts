// Lesson bookkeeping by counts: citations add helpful/harmful, which promote or retire; operator and pinned lessons are never retired here.
import type {
  ActionKey,
  Lesson,
  LearningData,
  LearningDelta,
  LessonKind,
  LessonSource,
  LessonStatus,
} from "./types.js";

/** Longest lesson text kept, in characters. */
export const MAX_LESSON_TEXT_CHARS = 300;
/** Changes kept on a lesson or skill, newest last. */
export const MAX_HISTORY_ENTRIES = 20;
/** Evidence episode ids kept on a lesson or skill, newest last. */
export const MAX_EVIDENCE_IDS = 20;

/** Time and cycle of the change being made. */
export interface ChangeContext {
  cycle: number;
  now: Date;
}

/** What {@link addLesson} needs; `action` and `reason` are optional extras for avoid and flaky lessons. */
export interface NewLesson {
  text: string;
  kind: LessonKind;
  scope: Lesson["scope"];
  source: LessonSource;
  tainted: boolean;
  status: LessonStatus;
  evidence: string[];
  /** The action an avoid or flaky lesson is about. */
  action?: ActionKey;
  /** Why it was created, for the history and the delta. Defaults to `new <source> <kind> lesson`. */
  reason?: string;
}

/** Adds a lesson with the next `L<n>` id, text capped at {@link MAX_LESSON_TEXT_CHARS}, history `created`. */
export function addLesson(
  data: LearningData,
  input: NewLesson,
  ctx: ChangeContext,
): { lesson: Lesson; delta: LearningDelta } {
  const id = `L${data.nextLessonId}`;
  data.nextLessonId += 1;
  const reason = input.reason ?? `new ${input.source} ${input.kind} lesson`;
  const lesson: Lesson = {
    id,
    text: capText(input.text, MAX_LESSON_TEXT_CHARS),
    kind: input.kind,
    scope: { ...input.scope, keywords: [...input.scope.keywords] },
    evidence: capList([...new Set(input.evidence)], MAX_EVIDENCE_IDS),
    helpful: 0,
    harmful: 0,
    status: input.status,
    source: input.source,
    tainted: input.tainted,
    createdAt: ctx.now.toISOString(),
    createdCycle: ctx.cycle,
    history: [],
  };
  if (input.action) lesson.action = { ...input.action };
  recordLessonChange(lesson, "created", reason, ctx);
  data.lessons.push(lesson);
  return { lesson, delta: { id, change: "created", reason } };
}

/**
 * Counts a citation for each cited, active lesson (unknown or retired ids ignored, each id once): `helpful += 1` on
 * success, `harmful += 1` on failure, and `lastUsed*`; then promotes or retires by counts ({@link judgeCounts}).
 */
export function applyCitations(
  data: LearningData,
  cited: string[],
  success: boolean,
  ctx: ChangeContext,
): LearningDelta[] {
  const deltas: LearningDelta[] = [];
  for (const id of new Set(cited)) {
    const lesson = data.lessons.find((candidate) => candidate.id === id);
    if (!lesson || lesson.status === "retired") continue;
    if (success) lesson.helpful += 1;
    else lesson.harmful += 1;
    lesson.lastUsedAt = ctx.now.toISOString();
    lesson.lastUsedCycle = ctx.cycle;
    const change = success ? "cited-helpful" : "cited-harmful";
    const reason = `cited in a cycle that ${success ? "succeeded" : "failed"} (helpful ${lesson.helpful}, harmful ${lesson.harmful})`;
    recordLessonChange(lesson, change, reason, ctx);
    deltas.push({ id, change, reason });
    deltas.push(...applyCountVerdict(lesson, ctx));
  }
  return deltas;
}

/** What the counts say about a lesson: promote, retire, a promotion refused for taint, or nothing. */
export type CountVerdict =
  | { verdict: "promote"; reason: string }
  | { verdict: "retire"; reason: string }
  | { verdict: "promotion-blocked"; reason: string }
  | { verdict: "none" };

/**
 * Promotion: provisional, helpful ≥ 3 and helpful ≥ 2 × harmful (tainted lessons are blocked, reported once).
 * Retirement: harmful ≥ 3 and harmful > helpful, never for operator or pinned lessons nor for a lesson with a mask.
 */
export function judgeCounts(
  lesson: Pick<Lesson, "status" | "source" | "tainted" | "helpful" | "harmful" | "history" | "mask">,
): CountVerdict {
  if (lesson.status === "retired") return { verdict: "none" };
  const { helpful, harmful } = lesson;
  // A masking lesson is judged by its retests: citing "avoid X" in a cycle that failed for another reason says
  // nothing about X, and retiring it by counts would only let X fail twice more to learn it again.
  if (
    harmful >= 3 &&
    harmful > helpful &&
    lesson.source !== "operator" &&
    lesson.status !== "pinned" &&
    lesson.mask === undefined
  ) {
    return { verdict: "retire", reason: `harmful ${harmful} ≥ 3 and more than helpful ${helpful}` };
  }
  if (lesson.status === "provisional" && helpful >= 3 && helpful >= 2 * harmful) {
    if (!lesson.tainted) return { verdict: "promote", reason: `helpful ${helpful} ≥ 3 and ≥ 2 × harmful ${harmful}` };
    if (!lesson.history.some((entry) => entry.change === "promotion-blocked")) {
      return {
        verdict: "promotion-blocked",
        reason: "tainted (learned from world content): never promoted automatically; pin it to trust it",
      };
    }
  }
  return { verdict: "none" };
}

/** Applies {@link judgeCounts} to one lesson and returns the resulting delta, if any. */
export function applyCountVerdict(lesson: Lesson, ctx: ChangeContext): LearningDelta[] {
  const verdict = judgeCounts(lesson);
  switch (verdict.verdict) {
    case "promote":
      lesson.status = "trusted";
      recordLessonChange(lesson, "promoted", verdict.reason, ctx);
      return [{ id: lesson.id, change: "promoted", reason: verdict.reason }];
    case "retire":
      return [retireLesson(lesson, verdict.reason, ctx)];
    case "promotion-blocked":
      recordLessonChange(lesson, "promotion-blocked", verdict.reason, ctx);
      return [{ id: lesson.id, change: "promotion-blocked", reason: verdict.reason }];
    case "none":
      return [];
  }
}

/** Retires a lesson (its mask goes with it) and returns the delta. Callers keep operator and pinned lessons out. */
export function retireLesson(lesson: Lesson, reason: string, ctx: ChangeContext): LearningDelta {
  lesson.status = "retired";
  recordLessonChange(lesson, "retired", reason, ctx);
  return { id: lesson.id, change: "retired", reason };
}

/** Appends one change to a lesson's history, keeping the first and the latest, {@link MAX_HISTORY_ENTRIES} in all. */
export function recordLessonChange(
  lesson: Pick<Lesson, "history">,
  change: string,
  reason: string,
  ctx: ChangeContext,
  cooldownCycles?: number,
): void {
  lesson.history.push({
    cycle: ctx.cycle,
    at: ctx.now.toISOString(),
    change,
    reason,
    ...(cooldownCycles !== undefined ? { cooldownCycles } : {}),
  });
  // The first entry says why the lesson exists: it stays; the oldest after it go first.
  if (lesson.history.length > MAX_HISTORY_ENTRIES)
    lesson.history.splice(1, lesson.history.length - MAX_HISTORY_ENTRIES);
}

/** Adds episode ids to a lesson's evidence without repeats, keeping the newest {@link MAX_EVIDENCE_IDS}. */
export function addEvidence(lesson: Pick<Lesson, "evidence">, ids: string[]): void {
  for (const id of ids) {
    const at = lesson.evidence.indexOf(id);
    if (at >= 0) lesson.evidence.splice(at, 1);
    lesson.evidence.push(id);
  }
  if (lesson.evidence.length > MAX_EVIDENCE_IDS) lesson.evidence.splice(0, lesson.evidence.length - MAX_EVIDENCE_IDS);
}

/** Whether a lesson is protected from any automatic drop: operator-taught or pinned. */
export function isProtectedLesson(lesson: Pick<Lesson, "source" | "status">): boolean {
  return lesson.source === "operator" || lesson.status === "pinned";
}

function capText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function capList<T>(items: T[], max: number): T[] {
  return items.length <= max ? items : items.slice(items.length - max);
}
