// stop() resolves only after the in-flight cycle ends, and drops the queued follow-up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { CycleScheduler, type WakeTrigger } from "../../src/daemon/cycle-scheduler.js";
import { createMemoryLogger } from "../../src/log.js";

test("stop() waits for the running cycle and runs no follow-up", async () => {
  const runs: WakeTrigger[] = [];
  let finished = 0;
  const scheduler = new CycleScheduler({
    cronExpr: "0 0 1 1 *",
    debounceMs: 10,
    logger: createMemoryLogger(),
    runCycle: async (trigger) => {
      runs.push(trigger);
      await sleep(150);
      finished += 1;
    },
  });
  scheduler.start();
  scheduler.wake({ kind: "manual" });
  scheduler.wake({ kind: "schedule" });
  await sleep(20);
  await scheduler.stop();
  assert.equal(finished, 1, "stop() resolved after the cycle finished");
  assert.equal(scheduler.isRunning(), false);
  scheduler.wake({ kind: "manual" });
  await sleep(50);
  assert.deepEqual(runs, [{ kind: "manual" }], "neither the follow-up nor a wake after stop ran");
  assert.throws(() => scheduler.start(), /after stop/);
});
