// The next wake is computed from the cron expression and an injected time, in local time, for the 5-field forms configs use (and 6-field ones).
import { test } from "node:test";
import assert from "node:assert/strict";
import { findNextCronRun } from "../../src/daemon/next-cron-run.js";
import { countTimers } from "../support/active-timers.js";

function next(cronExpr: string, after: Date): Date {
  const result = findNextCronRun(cronExpr, after);
  assert.ok(result.ok, `no run for ${cronExpr}: ${result.ok ? "" : result.reason}`);
  return result.at;
}

test("steps, fixed times, weekdays, month days and seconds give the next slot strictly after the given time", () => {
  assert.deepEqual(next("*/30 * * * *", new Date(2026, 2, 1, 10, 5)), new Date(2026, 2, 1, 10, 30));
  assert.deepEqual(
    next("*/30 * * * *", new Date(2026, 2, 1, 10, 30)),
    new Date(2026, 2, 1, 11, 0),
    "a slot equal to now is not next",
  );
  assert.deepEqual(next("*/30 * * * *", new Date(2026, 2, 1, 23, 45)), new Date(2026, 2, 2, 0, 0), "crosses midnight");
  assert.deepEqual(next("0 */6 * * *", new Date(2026, 2, 1, 13, 0)), new Date(2026, 2, 1, 18, 0));
  // 2026-03-06 is a Friday: the next weekday 09:00 is Monday the 9th.
  assert.deepEqual(next("0 9 * * 1-5", new Date(2026, 2, 6, 10, 0)), new Date(2026, 2, 9, 9, 0));
  assert.deepEqual(next("15 3 1 * *", new Date(2026, 11, 5)), new Date(2027, 0, 1, 3, 15), "crosses the year");
  assert.deepEqual(next("0 0 29 2 *", new Date(2026, 2, 1)), new Date(2028, 1, 29), "Feb 29 waits for the leap year");
  assert.deepEqual(
    next("*/10 * * * * *", new Date(2026, 2, 1, 10, 0, 5)),
    new Date(2026, 2, 1, 10, 0, 10),
    "6 fields: seconds",
  );
});

test("an invalid expression is a reason, not a throw, and neither call leaves a timer behind", () => {
  const timersBefore = countTimers();
  const result = findNextCronRun("every tuesday", new Date(2026, 2, 1));
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.reason, /invalid cron expression "every tuesday"/);
  next("*/5 * * * *", new Date(2026, 2, 1));
  assert.equal(countTimers(), timersBefore);
});
