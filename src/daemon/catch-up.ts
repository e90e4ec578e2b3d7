// Decides whether the daemon owes a cycle after downtime; pure functions of injected time that start no timers.
import { createTask, parse } from "node-cron";
import type { ParsedFields, ScheduledTask } from "node-cron";

/** How far ahead the next run is searched: 8 years, so `29 2` (Feb 29) schedules are found across a skipped leap year. */
const SEARCH_DAYS = 366 * 8;

/**
 * The gap between the next two runs of `cronExpr` after `now`, in ms, in local time.
 *
 * node-cron's own `getNextRuns(n)` always counts from the real clock, not from a given
 * date, so the runs are found here with node-cron's public `parse` (candidate hours,
 * minutes, seconds, months) and `match` (which owns the day-of-month and day-of-week
 * rules, `L`, `#n`). The task used for `match` is created, never started (node-cron arms
 * its heartbeat timer only in `start()`), and destroyed before returning, so it leaves
 * no timer and no entry in node-cron's task registry.
 *
 * Throws on an invalid expression: config validation is expected to reject it first.
 */
export function scheduleIntervalMs(cronExpr: string, now: Date): number {
  let task: ScheduledTask;
  let fields: ParsedFields;
  try {
    fields = parse(cronExpr);
    task = createTask(cronExpr, () => undefined);
  } catch (error) {
    throw new Error(`invalid cron expression "${cronExpr}"`, { cause: error });
  }
  try {
    const first = findNextRun(task, fields, now);
    const second = findNextRun(task, fields, first);
    return second.getTime() - first.getTime();
  } finally {
    void task.destroy();
  }
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
    return { catchUp: true, reason: `the last cycle ran ${formatDuration(ageMs)} ago, more than the ${interval} schedule interval` };
  }
  return { catchUp: false, reason: `the last cycle ran ${formatDuration(ageMs)} ago, within the ${interval} schedule interval` };
}

/** The first run strictly after `after`, walking local days and the parsed candidate times of each. */
function findNextRun(task: ScheduledTask, fields: ParsedFields, after: Date): Date {
  const hours = sortAscending(fields.hour);
  const minutes = sortAscending(fields.minute);
  const seconds = sortAscending(fields.second);
  const start = new Date(after.getFullYear(), after.getMonth(), after.getDate());
  for (let dayIndex = 0; dayIndex < SEARCH_DAYS; dayIndex++) {
    const day = new Date(start.getFullYear(), start.getMonth(), start.getDate() + dayIndex);
    if (!fields.month.includes(day.getMonth() + 1)) continue;
    const found = findRunOnDay(task, day, after, hours, minutes, seconds);
    if (found) return found;
  }
  throw new Error(`cron expression "${task.getPattern()}" has no run within ${SEARCH_DAYS} days of ${after.toISOString()}`);
}

function findRunOnDay(
  task: ScheduledTask,
  day: Date,
  after: Date,
  hours: number[],
  minutes: number[],
  seconds: number[],
): Date | undefined {
  for (const hour of hours) {
    for (const minute of minutes) {
      for (const second of seconds) {
        const candidate = new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute, second);
        if (candidate.getTime() <= after.getTime()) continue;
        // A local time skipped by a DST change reads back as another hour; try the next candidate.
        if (candidate.getHours() !== hour || candidate.getMinutes() !== minute || candidate.getDate() !== day.getDate()) continue;
        if (task.match(candidate)) return candidate;
        // Hour, minute, second and month are allowed here, so only the day-of-month or
        // day-of-week rule failed: no other time on this day can match.
        return undefined;
      }
    }
  }
  return undefined;
}

function sortAscending(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function formatDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}
