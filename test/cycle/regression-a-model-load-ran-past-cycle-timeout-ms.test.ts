// Issue 14, finding 7: limits.cycleTimeoutMs started only after the model was sized and never reached the load, so a
// GGUF whose chat template spins kept a cycle running for 64 s against a 15 s limit. The deadline now starts with the
// cycle and covers sizing, loading and every step: the model process is killed, the cycle fails saying why, and the
// next cycle works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Brain } from "../../src/brain/brain.js";
import { WorkerBrain } from "../../src/brain/worker-brain.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { formatLocalDate } from "../../src/memory/journal.js";
import { liveChildrenOf, spinningModel } from "../support/hostile-model.js";
import { makeStateDir, testModel } from "../support/state-fixture.js";

/**
 * The red team's figure. The model process must start and size the model first (11 s once, on the shared test machine
 * under a load average of 10); the load itself never ends.
 */
const TIMEOUT_MS = 15_000;
/** Time allowed past the deadline: the work before it starts (goals, inbox, a check), the kill, the journal. */
const MARGIN_MS = 3_000;

test(
  "a cycle whose model's chat template spins ends at limits.cycleTimeoutMs with the model process killed; the next cycle runs",
  { timeout: 180_000 },
  async (t) => {
    const { dir, cleanup } = await makeStateDir({
      config: { model: { path: await spinningModel("load") }, limits: { cycleTimeoutMs: TIMEOUT_MS } },
    });
    t.after(cleanup);
    const logger = createMemoryLogger();
    const state = await openState(dir, { logger, clock: () => new Date() });
    t.after(() => state.close());
    const brain = new WorkerBrain(logger);
    const started = performance.now();
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
    const elapsedMs = performance.now() - started;
    t.diagnostic(`the cycle ended ${Math.round(elapsedMs)} ms after it started (deadline ${TIMEOUT_MS} ms)`);
    const reason = `model load or chat template took longer than limits.cycleTimeoutMs (${TIMEOUT_MS} ms); the model process was killed`;
    assert.deepEqual(result.status === "failed" ? [result.cycle, result.reason] : result, [1, reason]);
    assert.ok(elapsedMs < TIMEOUT_MS + MARGIN_MS, `the cycle took ${Math.round(elapsedMs)} ms`);
    assert.deepEqual(liveChildrenOf(process.pid), [], "no model process is left");
    const db = await readDbData(state.paths.db);
    assert.deepEqual(
      db.cycles.map((cycle) => [cycle.status, cycle.reason]),
      [["failed", reason]],
    );
    assert.equal(db.cycle.inProgress, undefined);
    const journal = await readFile(path.join(state.paths.journal, `${formatLocalDate(new Date())}.md`), "utf8");
    assert.ok(journal.includes(reason), journal);

    // The next cycle, on a model that loads, runs (the test model needs more than 3 s on a busy machine).
    const next = buildCycleDeps(state, { brain, logger, clock: () => new Date() });
    const again = await runCycle({
      ...next,
      modelPath: await testModel(),
      config: { ...next.config, limits: { ...next.config.limits, cycleTimeoutMs: 120_000 } },
    });
    assert.equal(again.status, "ran", JSON.stringify(again));
    assert.deepEqual(liveChildrenOf(process.pid), []);
  },
);

/** A brain whose memory estimate answers only when its signal aborts, like a model process stuck reading a header. */
class StuckSizingBrain implements Brain {
  readonly signals: Array<AbortSignal | undefined> = [];
  opened = 0;

  estimate(_modelPath: string, _contextSize: number, signal?: AbortSignal): ReturnType<Brain["estimate"]> {
    this.signals.push(signal);
    // A request to a model process keeps the event loop alive (the deadline's own timer does not); so does this one.
    const held = setInterval(() => undefined, 1_000);
    return new Promise((resolve) =>
      signal?.addEventListener(
        "abort",
        () => {
          clearInterval(held);
          resolve({ ok: false, reason: "the model process was killed" });
        },
        { once: true },
      ),
    );
  }

  async open(): ReturnType<Brain["open"]> {
    this.opened += 1;
    return { ok: false, reason: "not expected to load" };
  }
}

test(
  "the deadline covers sizing the model: an estimate that never answers fails the cycle at limits.cycleTimeoutMs",
  { timeout: 60_000 },
  async (t) => {
    const { dir, cleanup } = await makeStateDir({ config: { limits: { cycleTimeoutMs: 1_000 } } });
    t.after(cleanup);
    const logger = createMemoryLogger();
    const state = await openState(dir, { logger, clock: () => new Date() });
    t.after(() => state.close());
    const brain = new StuckSizingBrain();
    const started = performance.now();
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
    assert.deepEqual(result, {
      status: "failed",
      reason:
        "reading the model file's header took longer than limits.cycleTimeoutMs (1000 ms); the model process was killed",
    });
    assert.ok(performance.now() - started < 1_000 + MARGIN_MS);
    assert.ok(brain.signals.length > 0 && brain.signals.every((signal) => signal?.aborted === true));
    assert.equal(brain.opened, 0);
  },
);
