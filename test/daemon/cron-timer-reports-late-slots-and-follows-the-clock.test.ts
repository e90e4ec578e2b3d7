// The slot timer tells a slot fired on time from one missed while it could not fire, and follows a wall clock that moves back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CronTimer, LATE_AFTER_MS, MAX_WAIT_MS, type CronSlotFiring } from "../../src/daemon/cron-timer.js";
import { CycleScheduler, type WakeTrigger } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";
import { countTimers } from "../support/active-timers.js";

/** A wall clock the test moves; the timer still waits in real (monotonic) time. */
function movableClock(startMs: number): { nowMs: () => number; set: (ms: number) => void } {
  let offsetMs = startMs - Date.now();
  return { nowMs: () => Date.now() + offsetMs, set: (ms) => void (offsetMs = ms - Date.now()) };
}

/** A half-hourly timer whose wall clock starts 100 ms before the 10:30 slot and can be moved; it records what fires. */
function halfHourTimerBeforeSlot(): { timer: CronTimer; firings: CronSlotFiring[]; setClock: (ms: number) => void } {
  const clock = movableClock(new Date(2026, 2, 1, 10, 29, 59, 900).getTime());
  const firings: CronSlotFiring[] = [];
  const timer = new CronTimer({
    cronExpr: "*/30 * * * *",
    nowMs: clock.nowMs,
    onSlot: (firing) => firings.push(firing),
    onError: assert.fail,
  });
  return { timer, firings, setClock: clock.set };
}

async function waitFor(done: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadlineMs) await sleep(10);
}

test("a slot that fires within a minute of its time is on time", async () => {
  const firings: CronSlotFiring[] = [];
  const timer = new CronTimer({
    cronExpr: "* * * * * *",
    onSlot: (firing) => firings.push(firing),
    onError: assert.fail,
  });
  try {
    const first = timer.nextRunAt();
    await waitFor(() => firings.length > 0);
    assert.equal(firings[0]?.kind, "on-time");
    assert.deepEqual(firings[0]?.slot, first);
    assert.ok(timer.nextRunAt()! > first!, "re-armed for a later slot");
  } finally {
    timer.stop();
  }
});

test("a slot the clock jumped far past fires once, late, with how late, and the next slot is counted from the new time", async () => {
  const { timer, firings, setClock } = halfHourTimerBeforeSlot();
  try {
    assert.deepEqual(timer.nextRunAt(), new Date(2026, 2, 1, 10, 30));
    // The machine "sleeps" through four slots before the 100 ms timer can fire.
    setClock(new Date(2026, 2, 1, 12, 10).getTime());
    await waitFor(() => firings.length > 0);
    await sleep(150);
    assert.equal(firings.length, 1, "the missed slots are reported once, not replayed");
    const firing = firings[0]!;
    assert.equal(firing.kind, "late");
    assert.deepEqual(firing.slot, new Date(2026, 2, 1, 10, 30));
    // 10:30 to 12:10 is 100 minutes, plus the real time between the jump and the firing.
    const lateMs = firing.kind === "late" ? firing.lateMs : 0;
    assert.ok(lateMs >= 100 * 60_000 && lateMs < 100 * 60_000 + 5_000, `late by ${lateMs} ms`);
    assert.ok(lateMs > LATE_AFTER_MS);
    assert.deepEqual(timer.nextRunAt(), new Date(2026, 2, 1, 12, 30));
  } finally {
    timer.stop();
  }
});

test("a clock moved back makes the timer wake early, fire nothing and wait for the slot that now comes first", async () => {
  const { timer, firings, setClock } = halfHourTimerBeforeSlot();
  try {
    // NTP corrects a clock that ran a day ahead: the 10:30 slot of the wrong day is far off now.
    setClock(new Date(2026, 1, 28, 10, 5).getTime());
    await sleep(300);
    assert.deepEqual(firings, []);
    assert.deepEqual(timer.nextRunAt(), new Date(2026, 1, 28, 10, 30));
  } finally {
    timer.stop();
  }
});

test("a far slot is waited for in steps of at most an hour, and stop() leaves no timer", () => {
  const timersBefore = countTimers();
  const timer = new CronTimer({
    cronExpr: "0 0 1 1 *",
    onSlot: () => assert.fail("no slot fires"),
    onError: assert.fail,
  });
  assert.equal(countTimers() - timersBefore, 1);
  assert.equal(MAX_WAIT_MS, 3_600_000);
  timer.stop();
  assert.equal(countTimers(), timersBefore);
  assert.equal(timer.nextRunAt(), undefined);
});

test("an invalid expression throws at construction, naming it", () => {
  assert.throws(
    () =>
      new CronTimer({ cronExpr: "every tuesday", onSlot: () => assert.fail("no slot fires"), onError: assert.fail }),
    /invalid cron expression "every tuesday"/,
  );
});

test("the scheduler turns a late slot into a catch-up wake that names the slot", async () => {
  const clock = movableClock(new Date(2026, 2, 1, 10, 29, 59, 900).getTime());
  const runs: WakeTrigger[] = [];
  const scheduler = new CycleScheduler({
    cronExpr: "*/30 * * * *",
    debounceMs: 10,
    logger: createMemoryLogger(),
    nowMs: clock.nowMs,
    runCycle: async (trigger) => void runs.push(trigger),
  });
  scheduler.start();
  try {
    clock.set(new Date(2026, 2, 1, 11, 0, 30).getTime());
    await waitFor(() => runs.length > 0);
    assert.equal(runs[0]?.kind, "catch-up");
    assert.match(
      runs[0]?.kind === "catch-up" ? runs[0].reason : "",
      new RegExp(`the ${new Date(2026, 2, 1, 10, 30).toISOString()} slot passed \\d+ s before the timer could fire`),
    );
  } finally {
    await scheduler.stop();
  }
});
