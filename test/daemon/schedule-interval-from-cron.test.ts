// The schedule interval is the gap between the next two runs after an injected time, and computing it leaves nothing running.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createTask, getTasks } from "node-cron";
import { scheduleIntervalMs } from "../../src/daemon/catch-up.js";
import { countTimers } from "../support/active-timers.js";

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

test("every 30 minutes is 30 minutes", () => {
  assert.equal(scheduleIntervalMs("*/30 * * * *", new Date(2025, 0, 3, 10, 7, 13)), 30 * minuteMs);
});

test("a six-field expression counts seconds", () => {
  assert.equal(scheduleIntervalMs("*/10 * * * * *", new Date(2025, 0, 3, 10, 7, 13)), 10_000);
});

test("weekdays at 9 depend on the injected day, not on the real clock", () => {
  // 2025-01-02 is a Thursday: next runs Fri 9:00 and Mon 9:00.
  assert.equal(scheduleIntervalMs("0 9 * * 1-5", new Date(2025, 0, 2, 10, 0)), 3 * dayMs);
  // 2025-01-03 is a Friday after 9:00: next runs Mon 9:00 and Tue 9:00.
  assert.equal(scheduleIntervalMs("0 9 * * 1-5", new Date(2025, 0, 3, 10, 0)), dayMs);
});

test("a yearly schedule spans 365 or 366 days", () => {
  assert.equal(scheduleIntervalMs("0 0 1 1 *", new Date(2025, 2, 1)), 365 * dayMs);
  assert.equal(scheduleIntervalMs("0 0 1 1 *", new Date(2027, 2, 1)), 366 * dayMs);
});

test("the last day of the month follows month lengths", () => {
  // Next runs 2025-01-31 and 2025-02-28.
  assert.equal(scheduleIntervalMs("0 0 L * *", new Date(2025, 0, 10)), 28 * dayMs);
});

test("an invalid expression throws, naming it", () => {
  assert.throws(() => scheduleIntervalMs("61 * * * *", new Date()), /invalid cron expression "61 \* \* \* \*"/);
});

test("agrees with node-cron's own next runs from the real clock", () => {
  for (const expression of ["*/30 * * * *", "0 9 * * 1-5", "0 0 L * *", "15 3 * * 0"]) {
    const task = createTask(expression, () => undefined);
    const [first, second] = task.getNextRuns(2);
    const interval = scheduleIntervalMs(expression, new Date());
    void task.destroy();
    assert.ok(first && second);
    assert.equal(interval, second.getTime() - first.getTime(), expression);
  }
});

test("computing an interval registers no task and arms no timer", () => {
  const tasksBefore = getTasks().size;
  const timersBefore = countTimers();
  scheduleIntervalMs("*/5 * * * *", new Date());
  assert.equal(getTasks().size, tasksBefore);
  assert.equal(countTimers(), timersBefore);
});
