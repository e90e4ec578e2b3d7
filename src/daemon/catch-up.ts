// Decides whether the daemon owes a cycle after downtime; pure functions of injected time that start no timers.
import { findNextCronRun } from "./next-cron-run.js";

/**
 * The gap between the next two runs of `cronExpr` after `now`, in ms, in local time (see {@link findNextCronRun}).
 *
 * Throws on an invalid expression: config validation is expected to reject it first.
 */
export function scheduleIntervalMs(cronExpr: string, now: Date): number {
  const first = findNextCronRun(cronExpr, now);
  if (!first.ok) throw new Error(first.reason);
  const second = findNextCronRun(cronExpr, first.at);
  if (!second.ok) throw new Error(second.reason);
  return second.at.getTime() - first.at.getTime();
}

/** Input of {@link shouldCatchUp}. */
export interface CatchUpInput {
  /** End of the last recorded cycle; `undefined` when no cycle ever ran. */
  lastCycleAt: Date | undefined;
  now: Date;
  /** The schedule's interval in ms, e.g. from {@link scheduleIntervalMs}. */
  intervalMs: number;
}

/** Whether to run a cycle now, and why, in words fit for the log and the journal. */
export interface CatchUpDecision {
  catchUp: boolean;
  reason: string;
}

/**
 * Catch up when no cycle was ever recorded, or the last one is older than one schedule
 * interval (node-cron never runs executions missed while the daemon was down).
 * A last cycle in the future means the clock moved back (a Pi without RTC before NTP):
 * no catch-up, the schedule resumes on its own.
 */
export function shouldCatchUp({ lastCycleAt, now, intervalMs }: CatchUpInput): CatchUpDecision {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new Error(`intervalMs must be a positive finite number, got ${intervalMs}`);
  }
  if (lastCycleAt === undefined) return { catchUp: true, reason: "no cycle has run yet" };
  if (Number.isNaN(lastCycleAt.getTime())) return { catchUp: true, reason: "the last cycle time is not a valid date" };
  const ageMs = now.getTime() - lastCycleAt.getTime();
  if (ageMs < 0) {
    return {
      catchUp: false,
      reason: `the last cycle (${lastCycleAt.toISOString()}) is ${formatDuration(-ageMs)} in the future; the clock moved back`,
    };
  }
  const interval = formatDuration(intervalMs);
  if (ageMs > intervalMs) {
    return {
      catchUp: true,
      reason: `the last cycle ran ${formatDuration(ageMs)} ago, more than the ${interval} schedule interval`,
    };
  }
  return {
    catchUp: false,
    reason: `the last cycle ran ${formatDuration(ageMs)} ago, within the ${interval} schedule interval`,
  };
}

function formatDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}
