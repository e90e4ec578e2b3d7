// The started scheduler wakes a `schedule` cycle on its slot; after stop() it wakes nothing and keeps no timer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CycleScheduler, type WakeTrigger } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";
import { countTimers } from "../support/active-timers.js";

test("an every-second cron runs schedule cycles until stopped", async () => {
  const runs: WakeTrigger[] = [];
  const timersBefore = countTimers();
  const scheduler = new CycleScheduler({
    cronExpr: "* * * * * *",
    debounceMs: 10,
    logger: createMemoryLogger(),
    runCycle: async (trigger) => void runs.push(trigger),
  });
  scheduler.start();
  try {
    const deadlineMs = Date.now() + 3_000;
    while (runs.length === 0 && Date.now() < deadlineMs) await sleep(50);
    assert.deepEqual(runs[0], { kind: "schedule" });
  } finally {
    await scheduler.stop();
  }
  const afterStop = runs.length;
  await sleep(1_200);
  assert.equal(runs.length, afterStop, "no cycle after stop()");
  assert.equal(countTimers(), timersBefore, "the slot timer is cleared");
});
