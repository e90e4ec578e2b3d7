// The next fire time of a node-cron expression after a given instant, in local time; a pure function of its inputs that starts no timer and never touches Intl.
import { parse } from "node-cron";
import type { ParsedFields } from "node-cron";
import { cronExpressionProblem } from "../validation/cron-expression-problem.js";
import { matchesCronDay } from "./cron-day-rule.js";

/** How far ahead a run is searched, in days: 8 years, so a `29 2` (Feb 29) schedule is found across skipped leap years. */
const SEARCH_DAYS = 366 * 8;

/** Outcome of {@link findNextCronRun}: an invalid expression or a schedule without a run in reach is data, not a throw. */
export type NextCronRun = { ok: true; at: Date } | { ok: false; reason: string };

/**
 * The first run of `cronExpr` (5 fields, or 6 with seconds) strictly after `after`, in local time.
 *
 * node-cron's `parse` validates the expression ({@link cronExpressionProblem} words a refusal, naming the field) and
 * expands every field (names, ranges, steps, nicknames such as `@hourly`); each day is then judged by
 * {@link matchesCronDay}, which applies node-cron's day rules (`L`, `nW`, `n#k`, day of month AND day of week).
 * node-cron's own matcher formats every instant it judges through `Intl.DateTimeFormat`, which maps ICU's data into the
 * process for good: more than the rest of the idle daemon's own state (see docs/PERFORMANCE.md, "No `Intl` in the
 * daemon").
 */
export function findNextCronRun(cronExpr: string, after: Date): NextCronRun {
  let fields: ParsedFields;
  try {
    fields = parse(cronExpr);
  } catch (error) {
    const problem = cronExpressionProblem(cronExpr) ?? (error instanceof Error ? error.message : String(error));
    return { ok: false, reason: `invalid cron expression ${JSON.stringify(cronExpr)}: ${problem}` };
  }
  const at = searchDays(fields, after);
  return at ? { ok: true, at } : { ok: false, reason: `"${cronExpr}" has no run within ${SEARCH_DAYS} days` };
}

function searchDays(fields: ParsedFields, after: Date): Date | undefined {
  const hours = sortAscending(fields.hour);
  const minutes = sortAscending(fields.minute);
  const seconds = sortAscending(fields.second);
  for (let dayIndex = 0; dayIndex < SEARCH_DAYS; dayIndex++) {
    const day = new Date(after.getFullYear(), after.getMonth(), after.getDate() + dayIndex);
    if (!fields.month.includes(day.getMonth() + 1)) continue;
    if (!matchesCronDay(fields, day.getFullYear(), day.getMonth() + 1, day.getDate())) continue;
    const found = findRunOnDay(day, after, hours, minutes, seconds);
    if (found) return found;
  }
  return undefined;
}

function findRunOnDay(day: Date, after: Date, hours: number[], minutes: number[], seconds: number[]): Date | undefined {
  for (const hour of hours) {
    for (const minute of minutes) {
      for (const second of seconds) {
        const candidate = new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute, second);
        if (candidate.getTime() <= after.getTime()) continue;
        // A local time that a DST change skips reads back as another hour: not a real slot.
        if (candidate.getHours() !== hour || candidate.getMinutes() !== minute || candidate.getDate() !== day.getDate())
          continue;
        return candidate;
      }
    }
  }
  return undefined;
}

function sortAscending(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
