// A started scheduler with a far cron slot keeps one timer and uses ~no CPU while idle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CycleScheduler } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";
import { countTimers } from "../support/active-timers.js";

test("an idle scheduler arms a single timer and burns under 50 ms of CPU per second", async () => {
  const timersBefore = countTimers();
  let runs = 0;
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 1_000,
    logger: createMemoryLogger(),
    runCycle: async () => void (runs += 1),
  });
  scheduler.start();
  try {
    assert.equal(countTimers() - timersBefore, 1, "only the timer to the next slot");
    const next = scheduler.nextWakeAt();
    assert.ok(next, "a next wake is known");
    assert.deepEqual([next.getMonth(), next.getDate(), next.getHours(), next.getMinutes()], [0, 1, 0, 0]);

    const cpuBefore = process.cpuUsage();
    await sleep(1_000);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1_000;
    assert.ok(cpuMs < 50, `idle CPU was ${cpuMs.toFixed(1)} ms over 1 s`);
    assert.equal(runs, 0);
    assert.equal(scheduler.isRunning(), false);
  } finally {
    await scheduler.stop();
  }
  assert.equal(countTimers(), timersBefore, "stop() clears the timer");
});
