// Wakes during a running cycle never start a second one; they become exactly one follow-up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CycleScheduler, type WakeTrigger } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";

function createSlowCycle(durationMs: number) {
  const runs: WakeTrigger[] = [];
  let active = 0;
  let maxActive = 0;
  const runCycle = async (trigger: WakeTrigger): Promise<void> => {
    runs.push(trigger);
    active += 1;
    maxActive = Math.max(maxActive, active);
    await sleep(durationMs);
    active -= 1;
  };
  return { runs, runCycle, maxActive: () => maxActive };
}

test("five wakes during a 200 ms cycle give one follow-up that merges their change paths", async () => {
  const cycle = createSlowCycle(200);
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 20,
    runCycle: cycle.runCycle,
    logger: createMemoryLogger(),
  });
  scheduler.start();
  try {
    scheduler.wake({ kind: "manual" });
    assert.equal(scheduler.isRunning(), true);
    await sleep(30);
    scheduler.wake({ kind: "schedule" });
    scheduler.wake({ kind: "catch-up", reason: "test" });
    scheduler.wake({ kind: "manual" });
    scheduler.wake({ kind: "change", paths: ["inbox/b.md"] });
    scheduler.wake({ kind: "change", paths: ["goals.yaml", "inbox/b.md"] });
    await scheduler.waitUntilIdle();
    // A change debounced past the first run's end would start a third run; give it the chance.
    await sleep(60);
    await scheduler.waitUntilIdle();

    assert.equal(cycle.maxActive(), 1);
    assert.equal(cycle.runs.length, 2, JSON.stringify(cycle.runs));
    assert.deepEqual(cycle.runs[0], { kind: "manual" });
    assert.deepEqual(cycle.runs[1], { kind: "change", paths: ["goals.yaml", "inbox/b.md"] });
    assert.equal(scheduler.isRunning(), false);
  } finally {
    await scheduler.stop();
  }
});

test("without changes the follow-up keeps the strongest kind: manual over catch-up over schedule", async () => {
  const cycle = createSlowCycle(100);
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 20,
    runCycle: cycle.runCycle,
    logger: createMemoryLogger(),
  });
  try {
    scheduler.wake({ kind: "schedule" });
    scheduler.wake({ kind: "schedule" });
    scheduler.wake({ kind: "catch-up", reason: "missed" });
    await scheduler.waitUntilIdle();
    scheduler.wake({ kind: "schedule" });
    scheduler.wake({ kind: "manual" });
    scheduler.wake({ kind: "catch-up", reason: "later" });
    await scheduler.waitUntilIdle();
    assert.deepEqual(cycle.runs, [
      { kind: "schedule" },
      { kind: "catch-up", reason: "missed" },
      { kind: "schedule" },
      { kind: "manual" },
    ]);
    assert.equal(cycle.maxActive(), 1);
  } finally {
    await scheduler.stop();
  }
});

test("a wake from inside runCycle is queued, not run re-entrantly", async () => {
  const runs: WakeTrigger[] = [];
  let active = 0;
  let maxActive = 0;
  const scheduler: CycleScheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 10,
    logger: createMemoryLogger(),
    runCycle: (trigger) => {
      runs.push(trigger);
      active += 1;
      maxActive = Math.max(maxActive, active);
      if (runs.length === 1) scheduler?.wake({ kind: "manual" });
      active -= 1;
      return Promise.resolve();
    },
  });
  scheduler.wake({ kind: "schedule" });
  await scheduler.waitUntilIdle();
  await scheduler.stop();
  assert.deepEqual(runs, [{ kind: "schedule" }, { kind: "manual" }]);
  assert.equal(maxActive, 1);
});
