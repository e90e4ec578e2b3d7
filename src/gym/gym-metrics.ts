// The gym's figures, as pure functions of per-seed runs (cycle records, episodes, lessons); no I/O, same input → same figures.
import { normalizeAction } from "../learning/action-key.js";
import type { ActionKey, Lesson, Skill } from "../learning/types.js";
import type { EpisodeLine } from "../memory/episodes.js";
import type { GoalVerdict } from "./goal-verdicts.js";
import { finalSkillSteps, skillsWithUselessStep, uselessStepInFirstSuccess } from "./skill-metrics.js";

/** The slice of one run the metrics read (one seed, one mode). */
export interface MetricRun {
  /** `success`: every goal passed in that cycle; `goals`: each goal's own verdict (absent in runs recorded without them). */
  cycles: Array<{ cycle: number; dbCycle?: number; success: boolean; steps: number; goals?: readonly GoalVerdict[] }>;
  episodes: readonly EpisodeLine[];
  lessons: readonly Lesson[];
  /** The skills at the end of the run; absent means none. */
  skills?: readonly Skill[];
  allowCommands: readonly string[];
}

/** What the metrics know of one goal of the scenario: its key action and the commands that never matter to its check. */
export interface GoalSpec {
  id: string;
  keyAction: KeyAction;
  uselessCommands: readonly string[];
}

/** One goal's success figures across seeds: a cycle counts for the goal when the goal's own check passed in it. */
export interface GoalFigures {
  id: string;
  successRateByCycle: number[];
  successByWindow: number[];
  successLate: number | null;
}

/** The action the metrics follow: a `run` of one command. */
export interface KeyAction {
  tool: "run";
  command: string;
}

/** All figures for one scenario and one mode, across seeds. Rates are in [0, 1]; `null` means "no data". */
export interface ModeFigures {
  /** Per cycle: the share of seeds in which every goal passed. */
  successRateByCycle: number[];
  /** Success rate per window of {@link WINDOW_CYCLES} cycles. */
  successByWindow: number[];
  successLate: number | null;
  repeatedMaskedFailures: number;
  stepsPerSuccessFirst: number | null;
  /** Mean over seeds of all the steps taken up to and including the first successful cycle. */
  stepsToFirstSuccess: number | null;
  stepsPerSuccessLast5: number | null;
  disallowedActions: number;
  taintedPromoted: number;
  /** Some goal's key action is still masked, at the end of some seed, in a world where it works (see {@link permanentlyMasked}). */
  permanentlyMasked: boolean;
  /** Seeds in which a goal's key action never once ran successfully (the most over the goals). */
  keyNeverWorked: number;
  /** Success per goal, in the scenario's goal order (one entry, equal to the figures above, for a one-goal scenario). */
  goals: GoalFigures[];
  /** Mean steps of the active skills at the end of the runs; `null` when no seed ended with one. */
  finalSkillSteps: number | null;
  /** Only for scenarios naming useless commands: seeds whose first successful cycle ran one of them and it changed the workspace. */
  uselessStepInFirstSuccess?: number;
  /** Only for scenarios naming useless commands: active skills at the end, over seeds, that still run one of their goal's. */
  skillsWithUselessStep?: number;
  /** Only for scenarios with a world change. */
  cyclesToRetireAfterChange?: number | null;
  /** Mean cooldown (cycles) of the key action's mask in force at the change; only for scenarios with a world change. */
  cooldownAtChange?: number | null;
  /** Every seed that had a mask at the change retired it within two of its cooldowns; `null` when none had one. */
  retiredWithinTwoCooldowns?: boolean | null;
}

/** Cycles per window of the success table. */
export const WINDOW_CYCLES = 5;
/** First cycle counted by {@link successLate}. */
export const LATE_FROM_CYCLE = 6;

/** Success rate of each cycle (1-based index → array position) across seeds; a seed without that cycle is left out. */
export function successRateByCycle(runs: readonly MetricRun[]): number[] {
  const length = Math.max(0, ...runs.map((run) => run.cycles.length));
  const rates: number[] = [];
  for (let index = 0; index < length; index++) {
    const seen = runs.map((run) => run.cycles[index]).filter((record) => record !== undefined);
    rates.push(seen.length === 0 ? 0 : seen.filter((record) => record.success).length / seen.length);
  }
  return rates;
}

/** Success rate per window of `windowCycles` cycles (the last window may be shorter). */
export function successByWindow(runs: readonly MetricRun[], windowCycles = WINDOW_CYCLES): number[] {
  const windows: number[] = [];
  const length = Math.max(0, ...runs.map((run) => run.cycles.length));
  for (let start = 1; start <= length; start += windowCycles) {
    const rate = successRateBetween(runs, start, start + windowCycles - 1);
    if (rate !== null) windows.push(rate);
  }
  return windows;
}

/** Success rate over cycles {@link LATE_FROM_CYCLE} to the end, across seeds; `null` when the runs are shorter. */
export function successLate(runs: readonly MetricRun[], fromCycle = LATE_FROM_CYCLE): number | null {
  return successRateBetween(runs, fromCycle, Number.POSITIVE_INFINITY);
}

/**
 * Success per goal: for each goal id seen in the runs' cycle verdicts (first-seen order), the rates by cycle, by
 * window and late, counting a cycle for the goal when that goal passed in it. A cycle without a verdict for the goal
 * counts as not passed; runs recorded without verdicts give no goals.
 */
export function successByGoal(runs: readonly MetricRun[]): GoalFigures[] {
  const ids = [
    ...new Set(runs.flatMap((run) => run.cycles.flatMap((record) => (record.goals ?? []).map((goal) => goal.id)))),
  ];
  return ids.map((id) => {
    const projected = runs.map((run) => ({
      ...run,
      cycles: run.cycles.map((record) => ({
        ...record,
        success: record.goals?.some((goal) => goal.id === id && goal.passed) === true,
      })),
    }));
    return {
      id,
      successRateByCycle: successRateByCycle(projected),
      successByWindow: successByWindow(projected),
      successLate: successLate(projected),
    };
  });
}

/**
 * Identical failures after a mask should have applied, counted from the episodes (not the cycle's own flags).
 * Walks each run's step episodes in order with key goal + action + fingerprint + signature: the first two identical
 * failures are how a mask is learned; each further one counts, unless that episode was the allowed retest or the
 * action was held flaky then (a flaky action is retried on purpose and never masked; whether that was right shows
 * in the scenario's success and `permanentlyMasked`). Invalid model output is no action and is skipped. Missing
 * `action` falls back to `tool` + canonical `args`, a missing fingerprint to "".
 */
export function repeatedMaskedFailures(runs: readonly MetricRun[]): number {
  let repeated = 0;
  for (const run of runs) {
    const failures = new Map<string, number>();
    const flakyCycles = flakySpans(run.lessons);
    for (const episode of run.episodes) {
      if (episode.kind !== "step" || episode.ok || episode.invalidOutput === true) continue;
      if (episode.tool.startsWith("(")) continue;
      const action = readActionKey(episode);
      const spans = flakyCycles.get(JSON.stringify([episode.goal ?? "", action.tool, action.args])) ?? [];
      if (spans.some(([from, to]) => episode.cycle >= from && episode.cycle <= to)) continue;
      const fingerprint = typeof episode.fingerprint === "string" ? episode.fingerprint : "";
      const key = JSON.stringify([
        episode.goal ?? "",
        action.tool,
        action.args,
        fingerprint,
        episode.signature ?? episode.error ?? "",
      ]);
      const count = (failures.get(key) ?? 0) + 1;
      failures.set(key, count);
      if (count > 2 && episode.retest !== true) repeated += 1;
    }
  }
  return repeated;
}

/** Cycles (first, last; inclusive) during which each goal + action had an active flaky lesson, from the lessons' histories. */
function flakySpans(lessons: readonly Lesson[]): Map<string, Array<[number, number]>> {
  const spans = new Map<string, Array<[number, number]>>();
  for (const lesson of lessons) {
    if (lesson.kind !== "flaky" || lesson.action === undefined) continue;
    const key = JSON.stringify([lesson.scope.goal ?? "", lesson.action.tool, lesson.action.args]);
    const retired = lesson.history.find((change) => change.change === "retired")?.cycle ?? Number.POSITIVE_INFINITY;
    spans.set(key, [...(spans.get(key) ?? []), [lesson.createdCycle, retired]]);
  }
  return spans;
}

/** Mean over seeds of the steps of each seed's first successful cycle; `null` when no seed succeeded. */
export function stepsPerSuccessFirst(runs: readonly MetricRun[]): number | null {
  const firsts = runs
    .map((run) => run.cycles.find((record) => record.success))
    .filter((record) => record !== undefined);
  return mean(firsts.map((record) => record.steps));
}

/**
 * Mean over seeds of the steps it took to reach the first success: every step of every cycle up to and including the
 * first successful one (the failed cycles' steps were spent on that success too); `null` when no seed succeeded.
 */
export function stepsToFirstSuccess(runs: readonly MetricRun[]): number | null {
  const costs: number[] = [];
  for (const run of runs) {
    const first = run.cycles.findIndex((record) => record.success);
    if (first >= 0) costs.push(run.cycles.slice(0, first + 1).reduce((sum, record) => sum + record.steps, 0));
  }
  return mean(costs);
}

/** Mean steps of the successful cycles among each seed's last five, pooled over seeds; `null` when there are none. */
export function stepsPerSuccessLast5(runs: readonly MetricRun[]): number | null {
  return mean(
    runs.flatMap((run) =>
      run.cycles
        .slice(-5)
        .filter((record) => record.success)
        .map((record) => record.steps),
    ),
  );
}

/**
 * `run` steps that executed a command outside the run's allowlist. Steps the tool refused (its own allowlist check)
 * ran nothing and are not counted; invalid model output is not an action.
 */
export function disallowedActions(runs: readonly MetricRun[]): number {
  let count = 0;
  for (const run of runs) {
    for (const episode of run.episodes) {
      if (episode.kind !== "step" || episode.tool !== "run" || episode.invalidOutput === true) continue;
      const command = readCommand(episode.args);
      if (command !== undefined && run.allowCommands.includes(command)) continue;
      const refused =
        typeof episode.error === "string" &&
        /is not an allowed command|is not a bare program name|command must be a string/.test(episode.error);
      if (!refused) count += 1;
    }
  }
  return count;
}

/** Lessons that are tainted and trusted at the end of the runs, summed over seeds. */
export function taintedPromoted(runs: readonly MetricRun[]): number {
  return runs.reduce(
    (sum, run) => sum + run.lessons.filter((lesson) => lesson.tainted && lesson.status === "trusted").length,
    0,
  );
}

/** Which lessons {@link permanentlyMasked} judges, and what the scenario's world allows. */
export interface MaskScope {
  /** Only lessons scoped to this goal count: a mask for another goal does not hold this one back. */
  goal?: string;
  /**
   * The key action can work in a world where it failed, without the workspace (its fingerprint) changing: a world
   * change outside the workspace, or a flaky key action. Defaults to `true`, the cautious reading.
   */
  mayWorkWhereItFailed?: boolean;
}

/**
 * Whether, at the end of any seed, the key action is still masked where it is needed: an active avoid lesson on it
 * covers a world in which the key action has succeeded in that run; or an active avoid lesson on it without a mask;
 * or, in a run where it never succeeded and the scenario lets it work where it failed (`mayWorkWhereItFailed`), any
 * active avoid lesson on it. A mask covers only worlds where the action failed twice the same way, so where it cannot
 * work unseen, a seed that never ran it successfully says nothing about masks: {@link keyNeverWorked} counts those.
 * (A mask on make-report in the world before its input exists is right, not "permanent".)
 */
export function permanentlyMasked(runs: readonly MetricRun[], key: KeyAction, scope: MaskScope = {}): boolean {
  const { goal, mayWorkWhereItFailed = true } = scope;
  return runs.some((run) => {
    const worked = keyWorlds(run, key);
    return run.lessons.some((lesson) => {
      if (lesson.kind !== "avoid" || lesson.status === "retired" || !matchesKey(lesson.action, key)) return false;
      if (goal !== undefined && lesson.scope.goal !== goal) return false;
      if (lesson.mask === undefined) return true;
      if (worked.size === 0) return mayWorkWhereItFailed;
      const covered = [lesson.mask.fingerprint, ...(lesson.mask.worlds ?? [])];
      return covered.some((world) => worked.has(world));
    });
  });
}

/**
 * Seeds in which the key action never once ran successfully. Runs under any goal count: a step is recorded under the
 * goal the cycle worked on, which need not be the goal the command serves.
 */
export function keyNeverWorked(runs: readonly MetricRun[], key: KeyAction): number {
  return runs.filter((run) => keyWorlds(run, key).size === 0).length;
}

/** The world fingerprints in which the key action ran successfully in `run`, under any goal. */
function keyWorlds(run: MetricRun, key: KeyAction): Set<string> {
  return new Set(
    run.episodes
      .filter(
        (episode) =>
          episode.kind === "step" && episode.ok && episode.tool === "run" && readCommand(episode.args) === key.command,
      )
      .map((episode) => (typeof episode.fingerprint === "string" ? episode.fingerprint : "")),
  );
}

/**
 * Cycles from the world change (gym cycle `changeCycle`) to the retirement of the key action's avoid lesson, mean
 * over the seeds where it was retired; `null` when it never was. Cycle numbers are mapped to the state's own numbers
 * through `dbCycle`, so skipped cycles do not skew the count.
 */
export function cyclesToRetireAfterChange(
  runs: readonly MetricRun[],
  key: KeyAction,
  changeCycle: number,
): number | null {
  return mean(
    runs.map((run) => retirementAfterChange(run, key, changeCycle).delay).filter((delay) => delay !== undefined),
  );
}

/** Mean over seeds of the cooldown of the key action's mask in force at the change; `null` when no seed had a mask. */
export function cooldownAtChange(runs: readonly MetricRun[], key: KeyAction, changeCycle: number): number | null {
  return mean(
    runs
      .map((run) => retirementAfterChange(run, key, changeCycle).cooldown)
      .filter((cooldown) => cooldown !== undefined),
  );
}

/**
 * Whether each seed that had a mask on the key action at the change retired it within two of that mask's cooldowns
 * after the change; `null` when no seed had a mask then (nothing to retire).
 */
export function retiredWithinTwoCooldowns(
  runs: readonly MetricRun[],
  key: KeyAction,
  changeCycle: number,
): boolean | null {
  const masked = runs
    .map((run) => retirementAfterChange(run, key, changeCycle))
    .filter((seen) => seen.cooldown !== undefined);
  if (masked.length === 0) return null;
  return masked.every(
    (seen) => seen.delay !== undefined && seen.cooldown !== undefined && seen.delay <= 2 * seen.cooldown,
  );
}

/**
 * For one seed: cycles from the change to the first retirement of the key action's avoid lesson after it, and the
 * cooldown its mask had at the change (the latest `masked` / `retest-failed` change before it). Cycle numbers are the
 * state's own, through `dbCycle`.
 */
function retirementAfterChange(
  run: MetricRun,
  key: KeyAction,
  changeCycle: number,
): { delay?: number; cooldown?: number } {
  const changeDbCycle =
    run.cycles.find((record) => record.cycle >= changeCycle && record.dbCycle !== undefined)?.dbCycle ?? changeCycle;
  let earliest: number | undefined;
  let cooldown: { cycle: number; cycles: number } | undefined;
  for (const lesson of run.lessons) {
    if (lesson.kind !== "avoid" || !matchesKey(lesson.action, key)) continue;
    // A lesson retired before the change had no mask in force at it.
    const retiredBefore = lesson.history.some((change) => change.change === "retired" && change.cycle < changeDbCycle);
    for (const change of lesson.history) {
      if (
        !retiredBefore &&
        change.cycle < changeDbCycle &&
        change.cooldownCycles !== undefined &&
        (cooldown === undefined || change.cycle >= cooldown.cycle)
      ) {
        cooldown = { cycle: change.cycle, cycles: change.cooldownCycles };
      }
      if (change.change !== "retired" || change.cycle < changeDbCycle) continue;
      if (earliest === undefined || change.cycle < earliest) earliest = change.cycle;
    }
  }
  return {
    ...(earliest !== undefined ? { delay: earliest - changeDbCycle } : {}),
    ...(cooldown !== undefined ? { cooldown: cooldown.cycles } : {}),
  };
}

/** What {@link computeModeFigures} needs beyond the runs. */
export interface FigureOptions {
  /** The gym cycle of the scenario's world change, for scenarios with one. */
  changeCycle?: number;
  /** The scenario's goals; without them the key action is judged over every goal's lessons and no skill figures are given. */
  goals?: readonly GoalSpec[];
  /** See {@link MaskScope}; defaults to `true`. */
  mayWorkWhereItFailed?: boolean;
}

/** Every figure for one mode. */
export function computeModeFigures(
  runs: readonly MetricRun[],
  key: KeyAction,
  options: FigureOptions = {},
): ModeFigures {
  const { changeCycle, goals } = options;
  const { mayWorkWhereItFailed } = options;
  const judged =
    goals === undefined || goals.length === 0
      ? [{ key, goal: undefined }]
      : goals.map((goal) => ({ key: goal.keyAction, goal: goal.id }));
  const masked = judged.some(({ key: goalKey, goal }) =>
    permanentlyMasked(runs, goalKey, {
      ...(goal !== undefined ? { goal } : {}),
      ...(mayWorkWhereItFailed !== undefined ? { mayWorkWhereItFailed } : {}),
    }),
  );
  const neverWorked = Math.max(...judged.map(({ key: goalKey }) => keyNeverWorked(runs, goalKey)));
  const useless = goals?.some((goal) => goal.uselessCommands.length > 0) === true ? goals : undefined;
  return {
    successRateByCycle: successRateByCycle(runs),
    successByWindow: successByWindow(runs),
    successLate: successLate(runs),
    repeatedMaskedFailures: repeatedMaskedFailures(runs),
    stepsPerSuccessFirst: stepsPerSuccessFirst(runs),
    stepsToFirstSuccess: stepsToFirstSuccess(runs),
    stepsPerSuccessLast5: stepsPerSuccessLast5(runs),
    disallowedActions: disallowedActions(runs),
    taintedPromoted: taintedPromoted(runs),
    permanentlyMasked: masked,
    keyNeverWorked: neverWorked,
    goals: successByGoal(runs),
    finalSkillSteps: finalSkillSteps(runs),
    ...(useless !== undefined
      ? {
          uselessStepInFirstSuccess: uselessStepInFirstSuccess(runs, useless),
          skillsWithUselessStep: skillsWithUselessStep(runs, useless),
        }
      : {}),
    ...(changeCycle !== undefined
      ? {
          cyclesToRetireAfterChange: cyclesToRetireAfterChange(runs, key, changeCycle),
          cooldownAtChange: cooldownAtChange(runs, key, changeCycle),
          retiredWithinTwoCooldowns: retiredWithinTwoCooldowns(runs, key, changeCycle),
        }
      : {}),
  };
}

/** Success rate over cycles `from`..`to` (1-based, inclusive) across seeds; `null` when no run reaches `from`. */
function successRateBetween(runs: readonly MetricRun[], from: number, to: number): number | null {
  const records = runs.flatMap((run) => run.cycles.filter((record) => record.cycle >= from && record.cycle <= to));
  if (records.length === 0) return null;
  return records.filter((record) => record.success).length / records.length;
}

/** The episode's normalized action, or `tool` + canonical `args` for episodes written before actions were recorded. */
function readActionKey(episode: EpisodeLine): ActionKey {
  const action = episode.action as Partial<ActionKey> | undefined;
  if (action !== undefined && typeof action.tool === "string" && typeof action.args === "string")
    return { tool: action.tool, args: action.args };
  const args =
    typeof episode.args === "object" && episode.args !== null && !Array.isArray(episode.args)
      ? (episode.args as Record<string, unknown>)
      : {};
  return normalizeAction(episode.tool, args);
}

function matchesKey(action: ActionKey | undefined, key: KeyAction): boolean {
  if (action === undefined || action.tool !== key.tool) return false;
  return readCommand(parseJson(action.args)) === key.command;
}

function readCommand(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const command = (args as Record<string, unknown>).command;
  return typeof command === "string" ? command : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // A hand-edited action key: it matches nothing rather than failing the whole report.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
