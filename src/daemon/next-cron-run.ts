// The next fire time of a node-cron expression after a given instant, in local time; a pure function of its inputs that leaves no timer or task behind.
import { createTask, parse } from "node-cron";
import type { ParsedFields, ScheduledTask } from "node-cron";

/** How far ahead a run is searched, in days: 8 years, so a `29 2` (Feb 29) schedule is found across skipped leap years. */
const SEARCH_DAYS = 366 * 8;

/** Outcome of {@link findNextCronRun}: an invalid expression or a schedule without a run in reach is data, not a throw. */
export type NextCronRun = { ok: true; at: Date } | { ok: false; reason: string };

/**
 * The first run of `cronExpr` (5 fields, or 6 with seconds) strictly after `after`, in local time.
 *
 * node-cron's `getNextRuns` always counts from the real clock, so candidates come from node-cron's public `parse`
 * (hours, minutes, seconds, months) and each day is judged by the task's `match`, which owns the day-of-month and
 * day-of-week rules (`L`, ranges, steps). The task is created, never started (node-cron arms timers only in
 * `start()`), and destroyed before returning.
 */
export function findNextCronRun(cronExpr: string, after: Date): NextCronRun {
  let fields: ParsedFields;
  let task: ScheduledTask;
  try {
    fields = parse(cronExpr);
    task = createTask(cronExpr, () => undefined);
  } catch (error) {
    return { ok: false, reason: `invalid cron expression "${cronExpr}": ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const at = searchDays(task, fields, after);
    return at ? { ok: true, at } : { ok: false, reason: `"${cronExpr}" has no run within ${SEARCH_DAYS} days` };
  } finally {
    void task.destroy();
  }
}

function searchDays(task: ScheduledTask, fields: ParsedFields, after: Date): Date | undefined {
  const hours = sortAscending(fields.hour);
  const minutes = sortAscending(fields.minute);
  const seconds = sortAscending(fields.second);
  for (let dayIndex = 0; dayIndex < SEARCH_DAYS; dayIndex++) {
    const day = new Date(after.getFullYear(), after.getMonth(), after.getDate() + dayIndex);
    if (!fields.month.includes(day.getMonth() + 1)) continue;
    const found = findRunOnDay(task, day, after, hours, minutes, seconds);
    if (found) return found;
  }
  return undefined;
}

function findRunOnDay(task: ScheduledTask, day: Date, after: Date, hours: number[], minutes: number[], seconds: number[]): Date | undefined {
  for (const hour of hours) {
    for (const minute of minutes) {
      for (const second of seconds) {
        const candidate = new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute, second);
        if (candidate.getTime() <= after.getTime()) continue;
        // A local time that a DST change skips reads back as another hour: not a real slot.
        if (candidate.getHours() !== hour || candidate.getMinutes() !== minute || candidate.getDate() !== day.getDate()) continue;
        // Hour, minute, second and month are all allowed here, so only the day rule can fail, and then for the whole day.
        return task.match(candidate) ? candidate : undefined;
      }
    }
  }
  return undefined;
}

function sortAscending(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
