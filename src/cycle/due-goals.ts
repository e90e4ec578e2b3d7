// Decides which goals are due now from the goals file and their recorded progress: pure, with injected time.
import { parseDurationMs, type Goal } from "../memory/goals-file.js";

/** What the db remembers of a goal. */
export interface GoalProgress {
  lastCheckPassed?: boolean;
  lastCheckedAt?: string;
  doneAt?: string;
  lastWorkedAt?: string;
}

/**
 * A goal is due when it has never been met; or, once met, when its `every` has elapsed since then.
 * A goal without a check cannot be judged by the world, so it is due when never worked on or when `every` has elapsed
 * since it was last worked on. Due goals come highest priority first, then in file order.
 */
export function selectDueGoals(goals: readonly Goal[], progress: Readonly<Record<string, GoalProgress>>, now: Date): Goal[] {
  const due = goals.filter((goal) => {
    const record = progress[goal.id] ?? {};
    const everyMs = goal.every !== undefined ? parseDurationMs(goal.every) : undefined;
    const anchor = goal.check !== undefined ? record.doneAt : record.lastWorkedAt;
    if (anchor === undefined) return true;
    if (everyMs === undefined) return false;
    return now.getTime() - Date.parse(anchor) >= everyMs;
  });
  return due
    .map((goal, index) => ({ goal, index }))
    .sort((a, b) => b.goal.priority - a.goal.priority || a.index - b.index)
    .map(({ goal }) => goal);
}
