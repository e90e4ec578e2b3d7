// Whether a calendar day passes a node-cron expression's day-of-month and day-of-week fields, from plain numbers; it never touches Intl, so judging a day maps no ICU data.
import type { ParsedFields } from "node-cron";

/** The day fields of node-cron's `parse` output: numbers, plus the tokens `L`, `L-n`, `nW`, `LW` (day of month) and `nL`, `n#k` (day of week, 0 = Sunday). */
export type CronDayFields = Pick<ParsedFields, "dayOfMonth" | "dayOfWeek">;

/**
 * True when the day `year`-`month`-`day` (month 1–12) passes both day fields, as node-cron
 * judges a day: the day of month AND the day of week must match (node-cron expands `*` to the
 * full range, so an unrestricted field always passes).
 *
 * The tokens mean:
 * - `L`: the last day of the month; `L-n`: n days before it.
 * - `nW`: the weekday (Monday–Friday) nearest to day n, within the month; `LW`: the last weekday.
 * - `nL`: the last weekday n of the month; `n#k`: the k-th weekday n of the month.
 */
export function matchesCronDay(fields: CronDayFields, year: number, month: number, day: number): boolean {
  const lastDay = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, day);
  return (
    fields.dayOfMonth.some((value) => dayOfMonthMatches(value, day, lastDay, year, month)) &&
    fields.dayOfWeek.some((value) => dayOfWeekMatches(value, day, weekday, lastDay))
  );
}

function dayOfMonthMatches(value: number | string, day: number, lastDay: number, year: number, month: number): boolean {
  if (typeof value === "number") return value === day;
  if (value === "L") return day === lastDay;
  const beforeLast = /^L-(\d{1,2})$/.exec(value);
  if (beforeLast) return day === lastDay - Number(beforeLast[1]);
  const nearestWeekday = /^(\d{1,2}|L)W$/.exec(value);
  if (nearestWeekday) {
    const target = nearestWeekday[1] === "L" ? lastDay : Number(nearestWeekday[1]);
    return target >= 1 && target <= lastDay && weekdayNearest(year, month, target, lastDay) === day;
  }
  return false;
}

function dayOfWeekMatches(value: number | string, day: number, weekday: number, lastDay: number): boolean {
  if (typeof value === "number") return value % 7 === weekday;
  const last = /^([0-7])L$/i.exec(value);
  if (last) return Number(last[1]) % 7 === weekday && day + 7 > lastDay;
  const nth = /^([0-7])#([1-5])$/.exec(value);
  if (nth) return Number(nth[1]) % 7 === weekday && Math.ceil(day / 7) === Number(nth[2]);
  return false;
}

/** The Monday–Friday day nearest to `target`, never leaving the month: a Saturday moves back a day (forward two on the 1st), a Sunday forward a day (back two on the last). */
function weekdayNearest(year: number, month: number, target: number, lastDay: number): number {
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === lastDay ? target - 2 : target + 1;
  return target;
}

/** Days in `month` (1–12) of `year`. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday … 6 = Saturday. UTC arithmetic, so no time zone or DST can shift the day. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}
