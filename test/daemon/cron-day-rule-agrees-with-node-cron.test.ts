// The Intl-free day rule and next-run search agree with node-cron's own matcher, day by day, for plain fields and every day token.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTask, parse } from "node-cron";
import { matchesCronDay } from "../../src/daemon/cron-day-rule.js";
import { findNextCronRun } from "../../src/daemon/next-cron-run.js";

/** Day fields with each token node-cron accepts, alone and mixed with plain values and names. */
const EXPRESSIONS = [
  "0 9 * * *",
  "0 9 * * 1-5",
  "0 9 * * 0,6",
  "0 9 * * 7",
  "0 9 * * MON,wed,FRI",
  "0 9 1,15 * *",
  "0 9 */3 * *",
  "0 9 31 * *",
  "0 0 29 2 *",
  "0 9 L * *",
  "0 9 L-2 * *",
  "0 9 L-30 * *",
  "0 9 15W * *",
  "0 9 1W * *",
  "0 9 31W * *",
  "0 9 LW * *",
  "0 9 * * 5L",
  "0 9 * * 7L",
  "0 9 * * 1#1",
  "0 9 * * 2#5",
  "0 9 * * 0#3,6#2",
  "0 9 13 * 5",
  "0 9 L * 1-5",
  "0 9 * JAN,jul *",
  "@daily",
  "@weekly",
  "@monthly",
];

/** Every day from March 2026 through February 2029: two leap days' Februaries and every weekday layout of a month. */
function* days(): Generator<Date> {
  for (
    let day = new Date(2026, 2, 1, 12);
    day.getFullYear() < 2029 || day.getMonth() < 2;
    day = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1, 12)
  ) {
    yield day;
  }
}

test("each day passes the day rule exactly when node-cron's matcher accepts the slot on it", () => {
  for (const expression of EXPRESSIONS) {
    const fields = parse(expression);
    const task = createTask(expression, () => undefined);
    try {
      let matched = 0;
      for (const noon of days()) {
        // A time every field allows, so node-cron's verdict on it is the verdict on the day.
        const slot = new Date(
          noon.getFullYear(),
          noon.getMonth(),
          noon.getDate(),
          Math.min(...fields.hour),
          Math.min(...fields.minute),
          Math.min(...fields.second),
        );
        const ours =
          fields.month.includes(noon.getMonth() + 1) &&
          matchesCronDay(fields, noon.getFullYear(), noon.getMonth() + 1, noon.getDate());
        assert.equal(ours, task.match(slot), `${expression} on ${noon.toDateString()}`);
        if (ours) matched += 1;
      }
      assert.ok(matched > 0, `${expression} matched some day, so the comparison covered a yes`);
    } finally {
      void task.destroy();
    }
  }
});

test("walking the next runs from one instant visits exactly the slots node-cron accepts", () => {
  for (const expression of ["*/30 * * * *", "15 3 L * *", "0 9 LW * *", "0 6 * * 1#2", "0 0 29 2 *", "0 */7 * * 5L"]) {
    const task = createTask(expression, () => undefined);
    try {
      let at = new Date(2026, 2, 1, 0, 0, 0);
      for (let run = 0; run < 12; run++) {
        const next = findNextCronRun(expression, at);
        assert.ok(next.ok, `${expression}: ${next.ok ? "" : next.reason}`);
        assert.ok(task.match(next.at), `${expression}: node-cron accepts ${next.at.toString()}`);
        // No accepted minute lies between two runs we return (checked minute by minute up to a day ahead).
        for (
          let probe = at.getTime() + 60_000;
          probe < Math.min(next.at.getTime(), at.getTime() + 86_400_000);
          probe += 60_000
        ) {
          assert.equal(task.match(new Date(probe)), false, `${expression}: skipped ${new Date(probe).toString()}`);
        }
        at = next.at;
      }
    } finally {
      void task.destroy();
    }
  }
});
