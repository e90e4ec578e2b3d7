// Decides which goals are due now and in which order a cycle serves them, from the goals file and their recorded progress: pure, with injected time.
import { parseDurationMs, type Goal } from "../memory/goals-file.js";

/** What the db remembers of a goal. */
export interface GoalProgress {
  lastCheckPassed?: boolean;
  lastCheckedAt?: string;
  doneAt?: string;
  /** When a cycle last worked on the goal: replayed its skill or gave it model steps (ISO time). */
  lastWorkedAt?: string;
}

/**
 * A goal is due when it has never been met; or, once met, when its `every` has elapsed since then.
 * A goal without a check cannot be judged by the world, so it is due when never worked on or when `every` has elapsed
 * since it was last worked on. Due goals come in the order of {@link orderGoals}.
 */
export function selectDueGoals(
  goals: readonly Goal[],
  progress: Readonly<Record<string, GoalProgress>>,
  now: Date,
): Goal[] {
  const due = goals.filter((goal) => {
    const record = progress[goal.id] ?? {};
    const everyMs = goal.every !== undefined ? parseDurationMs(goal.every) : undefined;
    const anchor = goal.check !== undefined ? record.doneAt : record.lastWorkedAt;
    if (anchor === undefined) return true;
    if (everyMs === undefined) return false;
    return now.getTime() - Date.parse(anchor) >= everyMs;
  });
  return orderGoals(due, progress);
}

/**
 * The order in which a cycle serves goals (their skill replays first, then the model's turns): higher `priority`
 * first; among equal priorities the goal worked on least recently (`lastWorkedAt`; never worked on comes first); then
 * the order of `goals` (the file's). A goal that got no steps in a cycle (the budget ran out before its turn) keeps its
 * older `lastWorkedAt` and so goes before the goals that got steps, next cycle: no goal is starved for good.
 */
export function orderGoals(goals: readonly Goal[], progress: Readonly<Record<string, GoalProgress>>): Goal[] {
  const workedAt = (goal: Goal): number => {
    const at = progress[goal.id]?.lastWorkedAt;
    const ms = at === undefined ? Number.NaN : Date.parse(at);
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  };
  return goals
    .map((goal, index) => ({ goal, index, workedAtMs: workedAt(goal) }))
    .sort((a, b) => b.goal.priority - a.goal.priority || compareTimes(a.workedAtMs, b.workedAtMs) || a.index - b.index)
    .map(({ goal }) => goal);
}

/** Ascending, with -Infinity (never) first and equal values (two "nevers" too) tied. */
function compareTimes(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
