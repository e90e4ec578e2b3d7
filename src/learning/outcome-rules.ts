// Learning from action outcomes: per situation (goal + action) it detects flaky, failing and ineffective actions; flaky actions and `finish` are never masked.
import { describeAction, isSameAction, situationKey } from "./action-key.js";
import { addEvidence, addLesson, isProtectedLesson, recordLessonChange, retireLesson } from "./citation-rules.js";
import type { ChangeContext } from "./citation-rules.js";
import type { ActionKey, ActionOutcome, Lesson, LearningData, LearningDelta, SituationHistory } from "./types.js";

/** Outcomes kept per situation, newest last. */
export const MAX_SITUATION_OUTCOMES = 10;
/** Situations kept; those with the oldest `lastCycle` go first. */
export const MAX_SITUATIONS = 500;
/** Cycles kept in each of `checkPassedCycles` / `checkFailedCycles`. */
export const MAX_CHECK_CYCLES = 10;
/** Signature of a mask on an action that runs fine but does not make the goal's check pass. */
export const INEFFECTIVE_SIGNATURE = "ineffective";
/** Failed checks after an always-ok action (and none passed) that make it ineffective. */
export const INEFFECTIVE_AFTER_FAILED_CHECKS = 2;
/** Tools never masked as ineffective: harmless, and the act loop needs them. */
export const NEVER_INEFFECTIVE_TOOLS: ReadonlySet<string> = new Set(["finish", "note", "sense", "message_operator", "list_dir", "read_file"]);
/** Tools never masked at all. */
export const NEVER_MASKED_TOOLS: ReadonlySet<string> = new Set(["finish"]);

/** Cycle, time and the mask cooldown cap (config `learning.maxCooldownCycles`, default 8) of one {@link recordOutcomes} call. */
export interface OutcomeContext extends ChangeContext {
  maxCooldownCycles: number;
}

/** A goal's check result in this cycle. */
export interface GoalCheck {
  goal: string;
  passed: boolean;
}

/**
 * Records this cycle's outcomes in `data` (mutated in place) and applies the outcome rules, in order per situation:
 * retests of masked actions (in outcome order), then flaky detection, masking after two identical failures, and
 * masking of ineffective actions. Returns one delta per change, each with a one-line reason.
 */
export function recordOutcomes(data: LearningData, outcomes: ActionOutcome[], checks: GoalCheck[], ctx: OutcomeContext): LearningDelta[] {
  const deltas: LearningDelta[] = [];
  const checkByGoal = new Map(checks.map((check) => [check.goal, check.passed]));
  const touched = new Map<string, { situation: SituationHistory; ranOk: boolean }>();
  for (const outcome of outcomes) {
    const key = situationKey(outcome.goal, outcome.action);
    const situation = (data.situations[key] ??= {
      goal: outcome.goal,
      action: { ...outcome.action },
      outcomes: [],
      checkFailedCycles: [],
      checkPassedCycles: [],
      lastCycle: outcome.cycle,
    });
    const record: SituationHistory["outcomes"][number] = {
      cycle: outcome.cycle,
      ok: outcome.ok,
      fingerprint: outcome.fingerprint,
      episodeId: outcome.episodeId,
      fromWorld: outcome.fromWorld,
    };
    if (!outcome.ok) record.signature = outcome.signature ?? "";
    situation.outcomes.push(record);
    trimFront(situation.outcomes, MAX_SITUATION_OUTCOMES);
    situation.lastCycle = Math.max(situation.lastCycle, outcome.cycle, ctx.cycle);
    const seen = touched.get(key);
    touched.set(key, { situation, ranOk: (seen?.ranOk ?? false) || outcome.ok });
    if (outcome.retest) deltas.push(...judgeRetest(data, situation, outcome, checkByGoal.get(outcome.goal), ctx));
  }
  for (const { situation, ranOk } of touched.values()) {
    const passed = checkByGoal.get(situation.goal);
    if (ranOk && passed !== undefined) recordCheckCycle(situation, passed, ctx.cycle);
    deltas.push(...judgeSituation(data, situation, ctx));
  }
  capSituations(data);
  return deltas;
}

/**
 * The masks that apply to a goal now: each active avoid lesson with a mask for `goal`, `masked` while
 * `cycle <= mask.untilCycle` and the world fingerprint is unchanged, otherwise `retest` (one retest allowed).
 */
export function findMasks(data: LearningData, q: { goal: string; cycle: number; fingerprint: string }): Array<{ lesson: Lesson; state: "masked" | "retest" }> {
  const found: Array<{ lesson: Lesson; state: "masked" | "retest" }> = [];
  for (const lesson of data.lessons) {
    const mask = lesson.mask;
    if (lesson.status === "retired" || lesson.kind !== "avoid" || !mask || lesson.scope.goal !== q.goal) continue;
    const state = q.cycle <= mask.untilCycle && q.fingerprint === mask.fingerprint ? "masked" : "retest";
    found.push({ lesson, state });
  }
  return found;
}

function judgeRetest(data: LearningData, situation: SituationHistory, outcome: ActionOutcome, checkPassed: boolean | undefined, ctx: OutcomeContext): LearningDelta[] {
  const lesson = findActiveLesson(data, "avoid", situation.goal, situation.action);
  const mask = lesson?.mask;
  if (!lesson || !mask) return [];
  const ineffective = mask.signature === INEFFECTIVE_SIGNATURE;
  if (outcome.ok) {
    // An ineffective action is judged by the goal's check, not by its own exit; without a check there is no verdict.
    if (ineffective && checkPassed === undefined) return [];
    if (!ineffective || checkPassed === true) {
      addEvidence(lesson, [outcome.episodeId]);
      const reason = ineffective ? "the world changed: the retest succeeded and the goal's check passed" : "the world changed: the retest succeeded";
      if (isProtectedLesson(lesson)) {
        recordLessonChange(lesson, "retest-succeeded", `${reason}; kept because it is ${lesson.status === "pinned" ? "pinned" : "an operator lesson"}`, ctx);
        return [{ id: lesson.id, change: "retest-succeeded", reason: `${reason}; kept (protected)` }];
      }
      delete lesson.mask;
      if (!ineffective) {
        // Earlier failures belong to the old world; keeping them would make the action look flaky.
        situation.outcomes.splice(0, situation.outcomes.length - 1);
        situation.checkFailedCycles = [];
        situation.checkPassedCycles = [];
      }
      return [retireLesson(lesson, reason, ctx)];
    }
  }
  mask.retests += 1;
  mask.cooldownCycles = Math.min(2 * mask.cooldownCycles, ctx.maxCooldownCycles);
  mask.untilCycle = ctx.cycle + mask.cooldownCycles;
  mask.fingerprint = outcome.fingerprint;
  const signature = outcome.ok ? INEFFECTIVE_SIGNATURE : (outcome.signature ?? "");
  const changed = signature !== mask.signature ? ` (new signature, was "${mask.signature}")` : "";
  mask.signature = signature;
  addEvidence(lesson, [outcome.episodeId]);
  const what = outcome.ok ? "ran fine but the goal's check still failed" : `failed with "${signature}"${changed}`;
  const reason = `retest ${what}; masked ${mask.cooldownCycles} more cycle(s), through cycle ${mask.untilCycle}`;
  recordLessonChange(lesson, "retest-failed", reason, ctx);
  return [{ id: lesson.id, change: "retest-failed", reason }];
}

function judgeSituation(data: LearningData, situation: SituationHistory, ctx: OutcomeContext): LearningDelta[] {
  const { goal, action, outcomes } = situation;
  const failures = outcomes.filter((outcome) => !outcome.ok);
  const successes = outcomes.length - failures.length;
  if (successes > 0 && failures.length > 0) return markFlaky(data, situation, failures.length, ctx);

  const deltas: LearningDelta[] = [];
  const flaky = findActiveLesson(data, "flaky", goal, action);
  if (flaky && outcomes.length >= MAX_SITUATION_OUTCOMES && !isProtectedLesson(flaky)) {
    deltas.push(retireLesson(flaky, `no longer flaky: the last ${outcomes.length} tries all ${successes > 0 ? "succeeded" : "failed"}`, ctx));
  }
  if (NEVER_MASKED_TOOLS.has(action.tool) || findActiveLesson(data, "avoid", goal, action)) return deltas;

  const [before, last] = outcomes.slice(-2);
  if (before && last && !before.ok && !last.ok && before.signature === last.signature && before.fingerprint === last.fingerprint) {
    const signature = last.signature ?? "";
    const text = `Avoid \`${describeAction(action)}\` for goal ${goal}: it failed twice with "${signature}"`;
    const reason = `two identical failures ("${signature}") with the world unchanged`;
    deltas.push(createMask(data, situation, [before, last], { signature, fingerprint: last.fingerprint, text, reason }, ctx));
    return deltas;
  }

  const failedCycles = situation.checkFailedCycles;
  if (
    failures.length === 0 &&
    last &&
    !NEVER_INEFFECTIVE_TOOLS.has(action.tool) &&
    failedCycles.length >= INEFFECTIVE_AFTER_FAILED_CHECKS &&
    situation.checkPassedCycles.length === 0
  ) {
    const cycles = failedCycles.join(", ");
    const text = `\`${describeAction(action)}\` runs fine but goal ${goal}'s check still failed after it (cycles ${cycles})`;
    const reason = `ran ok in ${failedCycles.length} cycles whose check failed, and in none whose check passed`;
    const support = outcomes.filter((outcome) => failedCycles.includes(outcome.cycle));
    deltas.push(createMask(data, situation, support, { signature: INEFFECTIVE_SIGNATURE, fingerprint: last.fingerprint, text, reason }, ctx));
  }
  return deltas;
}

function markFlaky(data: LearningData, situation: SituationHistory, failures: number, ctx: OutcomeContext): LearningDelta[] {
  const { goal, action, outcomes } = situation;
  const deltas: LearningDelta[] = [];
  for (const lesson of data.lessons) {
    if (lesson.kind !== "avoid" || lesson.status === "retired" || isProtectedLesson(lesson)) continue;
    if (lesson.scope.goal !== goal || !lesson.action || !isSameAction(lesson.action, action)) continue;
    delete lesson.mask;
    deltas.push(retireLesson(lesson, "flaky: it has also succeeded; flaky actions are never masked", ctx));
  }
  const percent = Math.round((100 * failures) / outcomes.length);
  const text = `\`${describeAction(action)}\` fails about ${percent}% of the time for goal ${goal} (${failures} of ${outcomes.length} recent tries); retry it rather than avoid it`;
  const stats = { successes: outcomes.length - failures, failures };
  const reason = `${failures} of ${outcomes.length} recent tries failed`;
  const existing = findActiveLesson(data, "flaky", goal, action);
  if (existing) {
    if (existing.text === text) return deltas;
    existing.text = text;
    existing.stats = stats;
    addEvidence(existing, outcomes.slice(-1).map((outcome) => outcome.episodeId));
    recordLessonChange(existing, "flaky-updated", reason, ctx);
    deltas.push({ id: existing.id, change: "flaky-updated", reason });
    return deltas;
  }
  const { lesson, delta } = addLesson(
    data,
    {
      text,
      kind: "flaky",
      scope: { goal, tool: action.tool, keywords: keywordsOf(action) },
      source: "self",
      tainted: outcomes.some((outcome) => outcome.fromWorld === true),
      status: "provisional",
      evidence: outcomes.map((outcome) => outcome.episodeId),
      action,
      reason: `flaky: ${reason}`,
    },
    ctx,
  );
  lesson.stats = stats;
  deltas.push(delta);
  return deltas;
}

function createMask(
  data: LearningData,
  situation: SituationHistory,
  support: SituationHistory["outcomes"],
  mask: { signature: string; fingerprint: string; text: string; reason: string },
  ctx: OutcomeContext,
): LearningDelta {
  const { lesson } = addLesson(
    data,
    {
      text: mask.text,
      kind: "avoid",
      scope: { goal: situation.goal, tool: situation.action.tool, keywords: keywordsOf(situation.action) },
      source: "self",
      tainted: support.some((outcome) => outcome.fromWorld === true),
      status: "provisional",
      evidence: support.map((outcome) => outcome.episodeId),
      action: situation.action,
      reason: mask.reason,
    },
    ctx,
  );
  lesson.mask = { fingerprint: mask.fingerprint, signature: mask.signature, cooldownCycles: 1, untilCycle: ctx.cycle + 1, retests: 0 };
  const reason = `${mask.reason}; masked through cycle ${lesson.mask.untilCycle}`;
  recordLessonChange(lesson, "masked", reason, ctx);
  return { id: lesson.id, change: "masked", reason };
}

function findActiveLesson(data: LearningData, kind: Lesson["kind"], goal: string, action: ActionKey): Lesson | undefined {
  return data.lessons.find(
    (lesson) => lesson.kind === kind && lesson.status !== "retired" && lesson.scope.goal === goal && lesson.action !== undefined && isSameAction(lesson.action, action),
  );
}

function recordCheckCycle(situation: SituationHistory, passed: boolean, cycle: number): void {
  const [into, other] = passed ? [situation.checkPassedCycles, situation.checkFailedCycles] : [situation.checkFailedCycles, situation.checkPassedCycles];
  // A second call in the same cycle follows the latest check result.
  const stale = other.indexOf(cycle);
  if (stale >= 0) other.splice(stale, 1);
  if (!into.includes(cycle)) into.push(cycle);
  trimFront(into, MAX_CHECK_CYCLES);
}

function capSituations(data: LearningData): void {
  const keys = Object.keys(data.situations);
  if (keys.length <= MAX_SITUATIONS) return;
  const oldest = keys.sort((a, b) => (data.situations[a]?.lastCycle ?? 0) - (data.situations[b]?.lastCycle ?? 0));
  for (const key of oldest.slice(0, keys.length - MAX_SITUATIONS)) delete data.situations[key];
}

function keywordsOf(action: ActionKey): string[] {
  return [...new Set(describeAction(action).split(/\s+/).filter((word) => word.length > 0))].slice(0, 6);
}

function trimFront<T>(items: T[], max: number): void {
  if (items.length > max) items.splice(0, items.length - max);
}
