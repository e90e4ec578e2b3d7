// Each scenario goal's verdict in one gym cycle, read from the cycle's result alone; pure, no I/O.
import type { CycleResult } from "../cycle/run-cycle.js";

/** One goal's verdict in one cycle: `passed` when its check passed in that cycle (the last check the cycle ran for it). */
export interface GoalVerdict {
  id: string;
  passed: boolean;
}

/**
 * The verdict of each goal in `goalIds`, in that order, for one cycle's result. A cycle that did not run passes
 * nothing. When the result carries per-goal verdicts (`goals: [{ id, verdict }]`, from a cycle that serves every due
 * goal), `"met"` passes and anything else (unmet, unchecked, absent) does not. Otherwise the result's `checks` decide:
 * a goal passed when the last check the cycle reports for it passed; a goal it did not check did not pass.
 */
export function readGoalVerdicts(goalIds: readonly string[], result: CycleResult): GoalVerdict[] {
  if (result.status !== "ran") return goalIds.map((id) => ({ id, passed: false }));
  const reported = reportedVerdicts(result);
  if (reported !== undefined) return goalIds.map((id) => ({ id, passed: reported.get(id) === "met" }));
  return goalIds.map((id) => ({ id, passed: result.checks.findLast((check) => check.goal === id)?.passed === true }));
}

/** The result's own per-goal verdicts by goal id, when it has them; `undefined` when it has no `goals` list. */
function reportedVerdicts(result: CycleResult): Map<string, string> | undefined {
  const goals = (result as { goals?: unknown }).goals;
  if (!Array.isArray(goals)) return undefined;
  const verdicts = new Map<string, string>();
  for (const item of goals as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const { id, verdict } = item as { id?: unknown; verdict?: unknown };
    if (typeof id === "string" && typeof verdict === "string") verdicts.set(id, verdict);
  }
  return verdicts;
}
