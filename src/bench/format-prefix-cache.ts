// The human form of `bench speed`'s prefixCache: the first step's evaluated tokens cold and warm, the ratio against its goal, and the state file's load time against the prefix's evaluation.
import type { PrefixCacheFigures } from "./measure-prefix-cache.js";

/** Ratio of evaluated to prompt tokens at a repeat cycle's first step that issue 18 sets as the goal. */
const GOAL_RATIO = 0.25;

/** Lines of the report for `figures`; none when the measurement was skipped. */
export function formatPrefixCache(figures: PrefixCacheFigures | null): string[] {
  if (figures === null) return [];
  const repeats = figures.perCycle.slice(1);
  const wholeRepeat = repeats.map((cycle) => `${cycle.wholeCycle.evaluated}/${cycle.wholeCycle.prompt}`).join(", ");
  return [
    `Prefix cache (${figures.cycles} standard cycles on ${figures.model}; prefix ${figures.prefixTokens} tokens):`,
    `  first step, cold cache:   ${figures.firstCycleEvaluated} prompt tokens evaluated`,
    `  first step, later cycles: ${figures.repeatCycleEvaluatedMedian} evaluated (median); ratio ${describeRatio(figures.ratio)} of the prompt where charter, tools and lessons did not change, ${figures.ratioAllCycles} over all`,
    `  whole later cycles:       ${wholeRepeat} (evaluated/prompt tokens over all steps)`,
    `  state file: ${figures.stateFileBytes} bytes, ${figures.stateFileWrites} write(s) in ${figures.cycles} cycles; load ${figures.loadMs} ms vs ${figures.prefixEvalMs} ms to evaluate the prefix`,
    "",
  ];
}

function describeRatio(ratio: number | null): string {
  if (ratio === null) return "n/a (every later cycle changed its lessons)";
  return `${ratio} (goal ≤ ${GOAL_RATIO}${ratio <= GOAL_RATIO ? ", met" : ", NOT met"})`;
}
