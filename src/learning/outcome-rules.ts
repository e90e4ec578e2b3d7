// Learning from action outcomes: per situation (goal + action) it detects flaky, failing and ineffective actions; flaky actions and tools whose facts say so are never masked.
import { toolFacts } from "../tools/registry.js";
import type { ToolFacts } from "../tools/tool.js";
import { describeAction, isSameAction, situationKey } from "./action-key.js";
import { addEvidence, addLesson, isProtectedLesson, recordLessonChange, retireLesson } from "./citation-rules.js";
import type { ChangeContext } from "./citation-rules.js";
import type {
  ActionKey,
  ActionOutcome,
  Lesson,
  LearningData,
  LearningDelta,
  LessonMask,
  SituationHistory,
} from "./types.js";

/** Outcomes kept per situation, newest last. */
export const MAX_SITUATION_OUTCOMES = 10;
/** Situations kept; those with the oldest `lastCycle` go first. */
export const MAX_SITUATIONS = 500;
/** Cycles kept in each of `checkPassedCycles` / `checkFailedCycles`. */
export const MAX_CHECK_CYCLES = 10;
/** Signature of a mask on an action that runs fine, changes nothing in the workspace, and does not make the goal's check pass. */
export const INEFFECTIVE_SIGNATURE = "ineffective";
/** Failed checks after an always-ok action (and none passed) that make it ineffective. */
export const INEFFECTIVE_AFTER_FAILED_CHECKS = 2;
/**
 * Cycle, time and the mask cooldown cap (config `learning.maxCooldownCycles`, default 8) of one {@link recordOutcomes}
 * call, and where a tool's facts come from.
 */
export interface OutcomeContext extends ChangeContext {
  maxCooldownCycles: number;
  /**
   * The facts of the tool an action names: which masks its {@link ToolFacts.masking} allows. Defaults to the built-in
   * tools' ({@link toolFacts}: a name with no tool is never exempt).
   */
  toolFacts?: (name: string) => Pick<ToolFacts, "masking">;
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
export function recordOutcomes(
  data: LearningData,
  outcomes: ActionOutcome[],
  checks: GoalCheck[],
  ctx: OutcomeContext,
): LearningDelta[] {
  const deltas: LearningDelta[] = [];
  const checkByGoal = new Map(checks.map((check) => [check.goal, check.passed]));
  const touched = new Map<string, { situation: SituationHistory; ranOk: boolean; worlds: string[] }>();
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
      changedWorld: outcome.changedWorld,
    };
    if (!outcome.ok) record.signature = outcome.signature ?? "";
    situation.outcomes.push(record);
    trimFront(situation.outcomes, MAX_SITUATION_OUTCOMES);
    situation.lastCycle = Math.max(situation.lastCycle, outcome.cycle, ctx.cycle);
    const seen = touched.get(key);
    const worlds = [...(seen?.worlds ?? []).filter((world) => world !== outcome.fingerprint), outcome.fingerprint];
    touched.set(key, { situation, ranOk: (seen?.ranOk ?? false) || outcome.ok, worlds });
    if (outcome.retest) deltas.push(...judgeRetest(data, situation, outcome, checkByGoal.get(outcome.goal), ctx));
  }
  for (const { situation, ranOk, worlds } of touched.values()) {
    const passed = checkByGoal.get(situation.goal);
    if (ranOk && passed !== undefined) recordCheckCycle(situation, passed, ctx.cycle);
    deltas.push(...judgeSituation(data, situation, worlds, ctx));
  }
  capSituations(data);
  return deltas;
}

/** How a mask meets an action in one world: left out, up for its one retest, or not about this world at all. */
export type MaskState = "masked" | "retest" | "other-world";

/** Worlds one mask remembers besides its latest; the oldest go first. */
export const MAX_MASK_WORLDS = 8;

/** Whether the mask was learned in (or extended to) the world with this fingerprint. */
export function maskCovers(mask: LessonMask, fingerprint: string): boolean {
  return mask.fingerprint === fingerprint || (mask.worlds ?? []).includes(fingerprint);
}

/** The state of `mask` for an action about to run in world `fingerprint` in `cycle`. */
export function maskState(mask: LessonMask, cycle: number, fingerprint: string): MaskState {
  if (!maskCovers(mask, fingerprint)) return "other-world";
  return cycle <= mask.untilCycle ? "masked" : "retest";
}

/**
 * The masks for a goal: each active avoid lesson with a mask, and its {@link maskState} in world `fingerprint`.
 * A mask is about the worlds the action failed in: elsewhere (a file it needs now exists) the action is free, and
 * its success there says nothing about the masked world.
 */
export function findMasks(
  data: LearningData,
  q: { goal: string; cycle: number; fingerprint: string },
): Array<{ lesson: Lesson; state: MaskState }> {
  const found: Array<{ lesson: Lesson; state: MaskState }> = [];
  for (const lesson of data.lessons) {
    const mask = lesson.mask;
    if (lesson.status === "retired" || lesson.kind !== "avoid" || !mask || lesson.scope.goal !== q.goal) continue;
    found.push({ lesson, state: maskState(mask, q.cycle, q.fingerprint) });
  }
  return found;
}

function judgeRetest(
  data: LearningData,
  situation: SituationHistory,
  outcome: ActionOutcome,
  checkPassed: boolean | undefined,
  ctx: OutcomeContext,
): LearningDelta[] {
  const lesson = findActiveLesson(data, "avoid", situation.goal, situation.action);
  const mask = lesson?.mask;
  // A run in a world the mask does not cover is no retest of it; the situation rules judge it like any other run.
  if (!lesson || !mask || !maskCovers(mask, outcome.fingerprint)) return [];
  const ineffective = mask.signature === INEFFECTIVE_SIGNATURE;
  if (outcome.ok) {
    // An ineffective action is judged by the goal's check, or by now having a visible effect; otherwise there is no
    // verdict without a check.
    const nowEffective = ineffective && outcome.changedWorld;
    if (ineffective && !nowEffective && checkPassed === undefined) return [];
    if (!ineffective || nowEffective || checkPassed === true) {
      addEvidence(lesson, [outcome.episodeId]);
      const reason = !ineffective
        ? "the world changed: the retest succeeded"
        : checkPassed === true
          ? "the world changed: the retest succeeded and the goal's check passed"
          : "the world changed: the retest now changes the workspace, so it may be a needed step";
      if (isProtectedLesson(lesson)) {
        recordLessonChange(
          lesson,
          "retest-succeeded",
          `${reason}; kept because it is ${lesson.status === "pinned" ? "pinned" : "an operator lesson"}`,
          ctx,
        );
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
  if (mask.lastRetestCycle === ctx.cycle) {
    // Another retest this cycle (in another covered world): more evidence, but the cooldown doubles once per cycle.
    addEvidence(lesson, [outcome.episodeId]);
    return [];
  }
  mask.lastRetestCycle = ctx.cycle;
  mask.retests += 1;
  // A failure that says it is temporary (a busy store, exit 75) is worth retrying soon: its cooldown does not grow.
  const temporary = !outcome.ok && outcome.temporary === true;
  if (!temporary) mask.cooldownCycles = Math.min(2 * mask.cooldownCycles, ctx.maxCooldownCycles);
  mask.untilCycle = ctx.cycle + mask.cooldownCycles;
  const signature = outcome.ok ? INEFFECTIVE_SIGNATURE : (outcome.signature ?? "");
  const changed = signature !== mask.signature ? ` (new signature, was "${mask.signature}")` : "";
  mask.signature = signature;
  addEvidence(lesson, [outcome.episodeId]);
  const what = outcome.ok
    ? "ran fine but the goal's check still failed"
    : `failed with "${signature}"${changed}${temporary ? ", a temporary failure, so the cooldown stays" : ""}`;
  const reason = `retest ${what}; masked ${mask.cooldownCycles} more cycle(s), through cycle ${mask.untilCycle}`;
  recordLessonChange(lesson, "retest-failed", reason, ctx, mask.cooldownCycles);
  return [{ id: lesson.id, change: "retest-failed", reason }];
}

/** `worlds`: the fingerprints the action ran in during this call, in order of their latest run. */
function judgeSituation(
  data: LearningData,
  situation: SituationHistory,
  worlds: readonly string[],
  ctx: OutcomeContext,
): LearningDelta[] {
  const { goal, action, outcomes } = situation;
  const failures = outcomes.filter((outcome) => !outcome.ok);
  const successes = outcomes.length - failures.length;
  // Flaky means "same world, different outcome": failing while a needed file is missing and working once it
  // exists is not flakiness, it is the world.
  const mixed = outcomes.filter((outcome) =>
    outcomes.some((other) => other.fingerprint === outcome.fingerprint && other.ok !== outcome.ok),
  );
  if (mixed.length > 0) return markFlaky(data, situation, mixed, ctx);

  const deltas: LearningDelta[] = [];
  const flaky = findActiveLesson(data, "flaky", goal, action);
  if (flaky && outcomes.length >= MAX_SITUATION_OUTCOMES && !isProtectedLesson(flaky)) {
    const how =
      successes === 0
        ? "all failed"
        : failures.length === 0
          ? "all succeeded"
          : "never both succeeded and failed in the same world";
    deltas.push(retireLesson(flaky, `no longer flaky: the last ${outcomes.length} tries ${how}`, ctx));
  }
  const { masking } = (ctx.toolFacts ?? toolFacts)(action.tool);
  if (masking === "never") return deltas;

  // Each world the action ran in this time, judged on its latest two runs there; runs elsewhere in between do not
  // break the pair (make-report can fail without its input, work with it, and fail without it again).
  let masked = false;
  for (const world of worlds) {
    const [before, last] = outcomes.filter((outcome) => outcome.fingerprint === world).slice(-2);
    if (!before || !last || before.ok || last.ok || before.signature !== last.signature) continue;
    const existing = findActiveLesson(data, "avoid", goal, action);
    if (existing) {
      if (existing.mask && !maskCovers(existing.mask, world))
        deltas.push(extendMask(existing, existing.mask, [before, last], ctx));
    } else {
      const signature = last.signature ?? "";
      const text = `Avoid \`${describeAction(action)}\` for goal ${goal}: it failed twice with "${signature}"`;
      const reason = `two identical failures ("${signature}") with the world unchanged`;
      deltas.push(createMask(data, situation, [before, last], { signature, fingerprint: world, text, reason }, ctx));
    }
    masked = true;
  }
  if (masked || findActiveLesson(data, "avoid", goal, action)) return deltas;

  const failedCycles = situation.checkFailedCycles;
  const latest = outcomes.at(-1);
  if (
    failures.length === 0 &&
    latest &&
    masking === "failures-or-ineffective" &&
    failedCycles.length >= INEFFECTIVE_AFTER_FAILED_CHECKS &&
    situation.checkPassedCycles.length === 0 &&
    // An action that changes the workspace may be a needed first step of a longer procedure: never "ineffective".
    !outcomes.some((outcome) => outcome.changedWorld === true)
  ) {
    const cycles = failedCycles.join(", ");
    const text = `\`${describeAction(action)}\` runs fine but changes nothing, and goal ${goal}'s check still failed after it (cycles ${cycles})`;
    const reason = `ran ok without changing the workspace in ${failedCycles.length} cycles whose check failed, and in none whose check passed`;
    const support = outcomes.filter((outcome) => failedCycles.includes(outcome.cycle));
    deltas.push(
      createMask(
        data,
        situation,
        support,
        { signature: INEFFECTIVE_SIGNATURE, fingerprint: latest.fingerprint, text, reason },
        ctx,
      ),
    );
    // It did nothing in every world it ran in: the mask covers them all.
    const others = support
      .map((outcome) => outcome.fingerprint)
      .filter((world, index, all) => world !== latest.fingerprint && all.indexOf(world) === index);
    const mask = findActiveLesson(data, "avoid", goal, action)?.mask;
    if (mask && others.length > 0) mask.worlds = others.slice(-MAX_MASK_WORLDS);
  }
  return deltas;
}

/** The action failed twice the same way in one more world: the mask covers it too, with its current cooldown. */
function extendMask(
  lesson: Lesson,
  mask: LessonMask,
  support: SituationHistory["outcomes"],
  ctx: OutcomeContext,
): LearningDelta {
  const worlds = [...(mask.worlds ?? []), mask.fingerprint].filter((world, index, all) => all.indexOf(world) === index);
  mask.worlds = worlds.slice(-MAX_MASK_WORLDS);
  mask.fingerprint = support.at(-1)?.fingerprint ?? mask.fingerprint;
  mask.untilCycle = Math.max(mask.untilCycle, ctx.cycle + mask.cooldownCycles);
  addEvidence(
    lesson,
    support.map((outcome) => outcome.episodeId),
  );
  if (support.some((outcome) => outcome.fromWorld === true)) lesson.tainted = true;
  const reason = `two identical failures ("${support.at(-1)?.signature ?? ""}") in another world too; masked there through cycle ${mask.untilCycle}`;
  recordLessonChange(lesson, "mask-extended", reason, ctx, mask.cooldownCycles);
  return { id: lesson.id, change: "mask-extended", reason };
}

function markFlaky(
  data: LearningData,
  situation: SituationHistory,
  mixed: SituationHistory["outcomes"],
  ctx: OutcomeContext,
): LearningDelta[] {
  const { goal, action } = situation;
  const outcomes = mixed;
  const failures = mixed.filter((outcome) => !outcome.ok).length;
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
    addEvidence(
      existing,
      outcomes.slice(-1).map((outcome) => outcome.episodeId),
    );
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
  lesson.mask = {
    fingerprint: mask.fingerprint,
    signature: mask.signature,
    cooldownCycles: 1,
    untilCycle: ctx.cycle + 1,
    retests: 0,
  };
  const reason = `${mask.reason}; masked through cycle ${lesson.mask.untilCycle}`;
  recordLessonChange(lesson, "masked", reason, ctx, lesson.mask.cooldownCycles);
  return { id: lesson.id, change: "masked", reason };
}

function findActiveLesson(
  data: LearningData,
  kind: Lesson["kind"],
  goal: string,
  action: ActionKey,
): Lesson | undefined {
  return data.lessons.find(
    (lesson) =>
      lesson.kind === kind &&
      lesson.status !== "retired" &&
      lesson.scope.goal === goal &&
      lesson.action !== undefined &&
      isSameAction(lesson.action, action),
  );
}

function recordCheckCycle(situation: SituationHistory, passed: boolean, cycle: number): void {
  const [into, other] = passed
    ? [situation.checkPassedCycles, situation.checkFailedCycles]
    : [situation.checkFailedCycles, situation.checkPassedCycles];
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
  return [
    ...new Set(
      describeAction(action)
        .split(/\s+/)
        .filter((word) => word.length > 0),
    ),
  ].slice(0, 6);
}

function trimFront<T>(items: T[], max: number): void {
  if (items.length > max) items.splice(0, items.length - max);
}
