// A cycle that throws or rejects is logged; later wakes still run and the cron task stays armed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CycleScheduler, type WakeTrigger } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";

test("sync throws and rejections are logged and do not stop later cycles", async () => {
  const logger = createMemoryLogger();
  const runs: WakeTrigger[] = [];
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 10,
    logger,
    runCycle: (trigger) => {
      runs.push(trigger);
      if (runs.length === 1) throw new Error("boom-sync");
      if (runs.length === 2) return Promise.reject(new Error("boom-async"));
      return Promise.resolve();
    },
  });
  scheduler.start();
  try {
    scheduler.wake({ kind: "manual" });
    await scheduler.waitUntilIdle();
    scheduler.wake({ kind: "schedule" });
    await scheduler.waitUntilIdle();
    scheduler.wake({ kind: "catch-up", reason: "x" });
    await scheduler.waitUntilIdle();

    assert.equal(runs.length, 3);
    const errors = logger.lines.filter((line) => line.startsWith("error"));
    assert.equal(errors.length, 2, errors.join("\n"));
    assert.match(errors[0] ?? "", /boom-sync/);
    assert.match(errors[1] ?? "", /boom-async/);
    assert.ok(scheduler.nextWakeAt() instanceof Date, "the cron task is still armed");
  } finally {
    await scheduler.stop();
  }
});
