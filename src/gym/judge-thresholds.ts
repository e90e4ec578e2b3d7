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
export function judgeThresholds(thresholds: ScenarioThresholds, memory: ModeFigures | null, noMemory: ModeFigures | null): ThresholdVerdict[] {
  const verdicts: ThresholdVerdict[] = [];
  const late = memory?.successLate ?? null;
  if (thresholds.successLateMemory !== undefined) {
    const want = thresholds.successLateMemory;
    verdicts.push({ name: "successLateMemory", want: `late success with memory ≥ ${want}`, got: describeRate(late, memory), met: late === null ? null : late >= want - EPSILON });
  }
  if (thresholds.beatsNoMemoryBy !== undefined) {
    const want = thresholds.beatsNoMemoryBy;
    const without = noMemory?.successLate ?? null;
    const margin = late === null || without === null ? null : late - without;
    const got = margin === null ? `memory ${describeRate(late, memory)}, no memory ${describeRate(without, noMemory)}` : `${formatRate(late)} − ${formatRate(without)} = ${formatRate(margin)}`;
    verdicts.push({ name: "beatsNoMemoryBy", want: `late success with memory − without ≥ ${want}`, got, met: margin === null ? null : margin >= want - EPSILON });
  }
  if (thresholds.successLatePerGoalMemory !== undefined) {
    const want = thresholds.successLatePerGoalMemory;
    const goals = memory?.goals ?? [];
    const judged = goals.length > 0 && goals.every((goal) => goal.successLate !== null);
    const got = memory === null ? "memory not run" : goals.map((goal) => `${goal.id} ${formatRate(goal.successLate)}`).join(", ") || "no goal verdicts";
    verdicts.push({ name: "successLatePerGoalMemory", want: `each goal's late success with memory ≥ ${want}`, got, met: judged ? goals.every((goal) => (goal.successLate ?? 0) >= want - EPSILON) : null });
  }
  if (thresholds.leanSkills === true) verdicts.push(judgeLeanSkills(memory));
  if (thresholds.keyNeverMaskedForGood === true) {
    const got = memory === null ? "memory not run" : memory.permanentlyMasked ? "masked for good in some seed" : "never masked for good";
    verdicts.push({ name: "keyNeverMaskedForGood", want: "the key action is not masked for good", got, met: memory === null ? null : !memory.permanentlyMasked });
  }
  return verdicts;
}

/** Every threshold judged and not met, over `scenarios`, with the scenario's name; one not judged (`met: null`) is not a miss. */
export function missedThresholds(scenarios: ReadonlyArray<{ name: string; thresholds: readonly ThresholdVerdict[] }>): Array<ThresholdVerdict & { scenario: string }> {
  return scenarios.flatMap((scenario) => scenario.thresholds.filter((verdict) => verdict.met === false).map((verdict) => ({ ...verdict, scenario: scenario.name })));
}

/** Lean means: some seed's first success carried a useless step (the scenario did test pruning), and no final skill keeps one. */
function judgeLeanSkills(memory: ModeFigures | null): ThresholdVerdict {
  const want = "a first success carried a useless step in at least one seed, and no final skill keeps one";
  const carried = memory?.uselessStepInFirstSuccess;
  const kept = memory?.skillsWithUselessStep;
  if (memory === null || carried === undefined || kept === undefined) return { name: "leanSkills", want, got: memory === null ? "memory not run" : "the scenario names no useless commands", met: null };
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
