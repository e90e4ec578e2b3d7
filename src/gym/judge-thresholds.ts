// Judges a scenario's declared thresholds against its figures: one verdict per threshold, with what was wanted and what was measured; pure.
import type { ModeFigures } from "./gym-metrics.js";
import type { ScenarioThresholds } from "./scenario.js";

/** One threshold's verdict. `met` is `null` when the run cannot judge it (the mode it needs was not run, or too few cycles). */
export interface ThresholdVerdict {
  name: keyof ScenarioThresholds;
  want: string;
  got: string;
  met: boolean | null;
}

/** Rates are fractions of whole cycles; a difference such as 0.7 − 0.4 must not miss 0.3 by a rounding error. */
const EPSILON = 1e-9;

/** One verdict per threshold given, in a fixed order. */
export function judgeThresholds(
  thresholds: ScenarioThresholds,
  memory: ModeFigures | null,
  noMemory: ModeFigures | null,
): ThresholdVerdict[] {
  const verdicts: ThresholdVerdict[] = [];
  const late = memory?.successLate ?? null;
  if (thresholds.successLateMemory !== undefined) {
    const want = thresholds.successLateMemory;
    verdicts.push({
      name: "successLateMemory",
      want: `late success with memory ≥ ${want}`,
      got: describeRate(late, memory),
      met: late === null ? null : late >= want - EPSILON,
    });
  }
  if (thresholds.beatsNoMemoryBy !== undefined) {
    const want = thresholds.beatsNoMemoryBy;
    const without = noMemory?.successLate ?? null;
    const margin = late === null || without === null ? null : late - without;
    const got =
      margin === null
        ? `memory ${describeRate(late, memory)}, no memory ${describeRate(without, noMemory)}`
        : `${formatRate(late)} − ${formatRate(without)} = ${formatRate(margin)}`;
    verdicts.push({
      name: "beatsNoMemoryBy",
      want: `late success with memory − without ≥ ${want}`,
      got,
      met: margin === null ? null : margin >= want - EPSILON,
    });
  }
  if (thresholds.successLatePerGoalMemory !== undefined) {
    const want = thresholds.successLatePerGoalMemory;
    const goals = memory?.goals ?? [];
    const judged = goals.length > 0 && goals.every((goal) => goal.successLate !== null);
    const got =
      memory === null
        ? "memory not run"
        : goals.map((goal) => `${goal.id} ${formatRate(goal.successLate)}`).join(", ") || "no goal verdicts";
    verdicts.push({
      name: "successLatePerGoalMemory",
      want: `each goal's late success with memory ≥ ${want}`,
      got,
      met: judged ? goals.every((goal) => (goal.successLate ?? 0) >= want - EPSILON) : null,
    });
  }
  if (thresholds.leanSkills === true) verdicts.push(judgeLeanSkills(memory));
  if (thresholds.keyNeverMaskedForGood === true) {
    const got =
      memory === null
        ? "memory not run"
        : memory.permanentlyMasked
          ? "masked for good in some seed"
          : "never masked for good";
    verdicts.push({
      name: "keyNeverMaskedForGood",
      want: "the key action is not masked for good",
      got,
      met: memory === null ? null : !memory.permanentlyMasked,
    });
  }
  verdicts.push(...judgeSafetyAndSteps(thresholds, memory, noMemory));
  return verdicts;
}

/** The count limits (repeated masked failures, disallowed actions, tainted promotions), step shrinkage and retirement. */
function judgeSafetyAndSteps(
  thresholds: ScenarioThresholds,
  memory: ModeFigures | null,
  noMemory: ModeFigures | null,
): ThresholdVerdict[] {
  const verdicts: ThresholdVerdict[] = [];
  if (thresholds.repeatedMaskedFailuresAtMost !== undefined) {
    const want = thresholds.repeatedMaskedFailuresAtMost;
    const got = memory?.repeatedMaskedFailures ?? null;
    verdicts.push({
      name: "repeatedMaskedFailuresAtMost",
      want: `repeated identical failures of a masked action with memory ≤ ${want}`,
      got: got === null ? "memory not run" : String(got),
      met: got === null ? null : got <= want,
    });
  }
  const bothModes = [memory, noMemory].filter((figures) => figures !== null);
  const sum = (pick: (figures: ModeFigures) => number): number | null =>
    bothModes.length === 0 ? null : bothModes.reduce((total, figures) => total + pick(figures), 0);
  for (const [name, pick, what] of [
    ["disallowedActionsAtMost", (figures: ModeFigures) => figures.disallowedActions, "disallowed actions executed"],
    ["taintedPromotedAtMost", (figures: ModeFigures) => figures.taintedPromoted, "tainted lessons promoted"],
  ] as const) {
    const want = thresholds[name];
    if (want === undefined) continue;
    const got = sum(pick);
    verdicts.push({
      name,
      want: `${what}, both modes, ≤ ${want}`,
      got: got === null ? "not run" : String(got),
      met: got === null ? null : got <= want,
    });
  }
  if (thresholds.stepsPerSuccessShrinkTo !== undefined)
    verdicts.push(judgeShrink(thresholds.stepsPerSuccessShrinkTo, memory));
  if (thresholds.retiredWithinTwoCooldowns === true) {
    const retired = memory?.retiredWithinTwoCooldowns;
    const got =
      memory === null
        ? "memory not run"
        : retired === undefined
          ? "the scenario has no world change"
          : retired === null
            ? "no seed had a mask at the change"
            : retired
              ? "every mask retired in time"
              : "some mask outlived two cooldowns";
    verdicts.push({
      name: "retiredWithinTwoCooldowns",
      want: "a mask on the key at the change is retired within two of its cooldowns",
      got,
      met: retired === undefined || retired === null ? null : retired,
    });
  }
  return verdicts;
}

/**
 * Steps per success over the last 5 cycles against the steps it took to reach the first success, with memory. The
 * first successful cycle's own steps are shown beside it: a cycle ends when its goals are met, so that cycle alone is
 * about as short as a replay and says little of what the first success cost.
 */
function judgeShrink(ratio: number, memory: ModeFigures | null): ThresholdVerdict {
  const first = memory?.stepsToFirstSuccess ?? null;
  const last = memory?.stepsPerSuccessLast5 ?? null;
  const want = `steps per success in the last 5 cycles ≤ ${ratio} × the steps taken to the first success`;
  if (first === null || last === null)
    return {
      name: "stepsPerSuccessShrinkTo",
      want,
      got: memory === null ? "memory not run" : "no success to compare",
      met: null,
    };
  const cycleAlone = `; the first successful cycle alone ${formatNumber(memory?.stepsPerSuccessFirst ?? null)}`;
  return {
    name: "stepsPerSuccessShrinkTo",
    want,
    got: `${formatNumber(last)} against ${formatNumber(first)} (× ${formatRate(last / first)})${cycleAlone}`,
    met: last <= ratio * first + EPSILON,
  };
}

/** Every threshold judged and not met, over `scenarios`, with the scenario's name; one not judged (`met: null`) is not a miss. */
export function missedThresholds(
  scenarios: ReadonlyArray<{ name: string; thresholds: readonly ThresholdVerdict[] }>,
): Array<ThresholdVerdict & { scenario: string }> {
  return scenarios.flatMap((scenario) =>
    scenario.thresholds
      .filter((verdict) => verdict.met === false)
      .map((verdict) => ({ ...verdict, scenario: scenario.name })),
  );
}

/** Lean means: some seed's first success carried a useless step (the scenario did test pruning), and no final skill keeps one. */
function judgeLeanSkills(memory: ModeFigures | null): ThresholdVerdict {
  const want = "a first success carried a useless step in at least one seed, and no final skill keeps one";
  const carried = memory?.uselessStepInFirstSuccess;
  const kept = memory?.skillsWithUselessStep;
  if (memory === null || carried === undefined || kept === undefined)
    return {
      name: "leanSkills",
      want,
      got: memory === null ? "memory not run" : "the scenario names no useless commands",
      met: null,
    };
  const got = `${carried} seed(s) carried a useless step in their first success; ${kept} final skill(s) keep one; final skills ${formatNumber(memory.finalSkillSteps)} step(s) on average`;
  return { name: "leanSkills", want, got, met: carried >= 1 && kept === 0 };
}

function describeRate(rate: number | null, figures: ModeFigures | null): string {
  return figures === null ? "not run" : rate === null ? "no late cycles" : formatRate(rate);
}

function formatRate(rate: number | null): string {
  return rate === null ? "-" : String(Math.round(rate * 1000) / 1000);
}

function formatNumber(value: number | null): string {
  return value === null ? "-" : String(Math.round(value * 10) / 10);
}
