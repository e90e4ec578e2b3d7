// Change wakes wait for a quiet debounce window, merge their paths, and are dropped by stop().
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CycleScheduler, type WakeTrigger } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";

test("three changes 50 ms apart run one cycle, debounceMs after the last", async () => {
  const runs: Array<{ trigger: WakeTrigger; atMs: number }> = [];
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 150,
    logger: createMemoryLogger(),
    runCycle: async (trigger) => void runs.push({ trigger, atMs: Date.now() }),
  });
  scheduler.start();
  try {
    const cronNext = scheduler.nextWakeAt();
    scheduler.wake({ kind: "change", paths: ["inbox/a.md"] });
    await sleep(50);
    scheduler.wake({ kind: "change", paths: ["inbox/b.md"] });
    await sleep(50);
    const lastWakeMs = Date.now();
    scheduler.wake({ kind: "change", paths: ["goals.yaml", "inbox/a.md"] });

    const pendingWake = scheduler.nextWakeAt();
    assert.ok(pendingWake && cronNext && pendingWake < cronNext, "a pending debounce is the next wake");
    assert.ok(Math.abs(pendingWake.getTime() - (lastWakeMs + 150)) < 20);

    await sleep(100);
    assert.equal(runs.length, 0, "still inside the debounce window");
    await sleep(150);
    await scheduler.waitUntilIdle();

    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0]?.trigger, { kind: "change", paths: ["goals.yaml", "inbox/a.md", "inbox/b.md"] });
    assert.ok((runs[0]?.atMs ?? 0) - lastWakeMs >= 140, "ran no earlier than debounceMs after the last change");
    assert.deepEqual(scheduler.nextWakeAt(), cronNext, "back to the cron slot");
  } finally {
    await scheduler.stop();
  }
});

test("a change still debouncing when a manual run starts is folded into that run", async () => {
  const runs: WakeTrigger[] = [];
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 200,
    logger: createMemoryLogger(),
    runCycle: async (trigger) => void runs.push(trigger),
  });
  scheduler.wake({ kind: "change", paths: ["inbox/a.md"] });
  scheduler.wake({ kind: "manual" });
  await scheduler.waitUntilIdle();
  await sleep(250);
  await scheduler.stop();
  assert.deepEqual(runs, [{ kind: "change", paths: ["inbox/a.md"] }]);
});

test("stop() cancels a pending debounced change", async () => {
  const runs: WakeTrigger[] = [];
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 50,
    logger: createMemoryLogger(),
    runCycle: async (trigger) => void runs.push(trigger),
  });
  scheduler.start();
  scheduler.wake({ kind: "change", paths: ["inbox/a.md"] });
  await scheduler.stop();
  await sleep(120);
  assert.deepEqual(runs, []);
  assert.equal(scheduler.nextWakeAt(), undefined);
});
