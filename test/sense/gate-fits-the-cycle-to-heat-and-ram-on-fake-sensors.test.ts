// The gate on fake sensor readings and the real node-llama-cpp brain (GgufInsights estimates of the written GGUF):
// skips for heat and for RAM, a context cut to fit, fewer threads when warm, and the Pi's throttle bits kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { Brain, OpenOptions } from "../../src/brain/brain.js";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { runCycle, type CycleResult } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import type { Sensors } from "../../src/sense/read-sensors.js";
import { makeStateDir, testModel } from "../support/state-fixture.js";
import { readDbData } from "../../src/memory/db.js";

const logger = createMemoryLogger();
const real = new LlamaBrain(logger);

/** The real brain, recording what each open was asked for. */
class RecordingBrain implements Brain {
  readonly opened: OpenOptions[] = [];
  /** With `load: false` open only records (two threads on a two-core machine would crawl). */
  constructor(private readonly load = true) {}
  estimate(modelPath: string, contextSize: number): ReturnType<Brain["estimate"]> {
    return real.estimate(modelPath, contextSize);
  }
  open(options: OpenOptions): ReturnType<Brain["open"]> {
    this.opened.push(options);
    return this.load ? real.open(options) : Promise.resolve({ ok: false, reason: "not loaded in this test" });
  }
}

async function neededMB(contextSize: number): Promise<number> {
  const estimate = await real.estimate(await testModel(), contextSize);
  assert.ok(estimate.ok);
  return Math.ceil(estimate.estimate.totalBytes / (1024 * 1024));
}

async function cycleOn(reading: Partial<Sensors>, config: Record<string, Record<string, unknown>> = {}, load = true) {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hello.md": "Please start the list." }, config });
  const state = await openState(dir, { logger, clock: () => new Date() });
  const brain = new RecordingBrain(load);
  const sensors: Sensors = { at: new Date().toISOString(), availableRamMB: 4000, totalRamMB: 4096, ...reading };
  let result: CycleResult;
  try {
    result = await runCycle({
      ...buildCycleDeps(state, { brain, logger, clock: () => new Date() }),
      readSensors: async () => sensors,
    });
  } finally {
    await state.close();
  }
  const db = (await readDbData(state.paths.db)) as {
    lastSkip?: { reason: string; detail: string; sensors?: { throttled?: string; cpuTempC?: number } };
    cycles: Array<{
      resources?: { contextSize: number; threads: number; neededRamMB: number };
      sensors?: { throttled?: string };
    }>;
  };
  const journal = result.status === "ran" ? await readFile(result.journalFile, "utf8") : "";
  await cleanup();
  return { result, brain, db, journal };
}

test("above maxTempC the cycle is skipped as too hot before any estimate or load, and the reading is kept", async () => {
  const { result, brain, db } = await cycleOn({ cpuTempC: 85.5, throttled: "0x80008" });
  assert.deepEqual(result.status === "skipped" && [result.reason, result.detail], [
    "too-hot",
    "CPU at 85.5°C, above maxTempC 80°C",
  ]);
  assert.equal(brain.opened.length, 0);
  assert.equal(db.lastSkip?.reason, "too-hot");
  assert.deepEqual(db.lastSkip?.sensors, {
    cpuTempC: 85.5,
    availableRamMB: 4000,
    totalRamMB: 4096,
    throttled: "0x80008",
  });
});

test("when even the floor context does not fit, the cycle is skipped for low memory with the figures", async () => {
  const floorNeed = await neededMB(512);
  const { result, brain, db } = await cycleOn({ availableRamMB: 64 + floorNeed - 1 });
  assert.ok(result.status === "skipped", JSON.stringify(result));
  assert.equal(result.reason, "low-memory");
  assert.match(
    result.detail,
    new RegExp(
      `^${64 + floorNeed - 1} MB available; the model needs about ${await neededMB(2048)} MB at a 2048-token context and ${floorNeed} MB at the 512-token floor \\(limits.minContextSize\\), plus 64 MB reserve$`,
    ),
  );
  assert.equal(brain.opened.length, 0, "the model is never loaded to find out");
  assert.equal(db.lastSkip?.reason, "low-memory");
});

test("when the configured context does not fit but a smaller one does, the cycle runs with the largest that fits", async () => {
  const need1024 = await neededMB(1024);
  assert.ok(need1024 < (await neededMB(2048)), "the estimate grows with the context");
  // Room for 1024 tokens and a little more, not for 1280.
  const available = 64 + need1024;
  const { result, brain, db, journal } = await cycleOn({ availableRamMB: available });
  assert.equal(result.status, "ran", JSON.stringify(result));
  assert.equal(brain.opened.length, 1);
  const contextSize = brain.opened[0]?.contextSize ?? 0;
  assert.ok(contextSize >= 1024 && contextSize < 2048, `context ${contextSize}`);
  assert.ok((await neededMB(contextSize + 256)) > available - 64, "the next step up would not have fitted");
  assert.deepEqual(db.cycles.at(-1)?.resources, { contextSize, threads: 1, neededRamMB: await neededMB(contextSize) });
  assert.match(
    journal,
    new RegExp(`context cut from 2048 to ${contextSize} tokens to fit free RAM: ${available} MB available`),
  );
});

test("above softTempC the cycle runs with half the threads, and the throttle bits go into the cycle record and the journal", async () => {
  const { result, brain, db, journal } = await cycleOn(
    { cpuTempC: 74, throttled: "0x50005" },
    { model: { threads: 2 } },
  );
  assert.equal(result.status, "ran", JSON.stringify(result));
  assert.equal(brain.opened[0]?.threads, 1);
  assert.equal(brain.opened[0]?.contextSize, 2048, "a context that fits is not cut");
  assert.equal(db.cycles.at(-1)?.resources?.threads, 1);
  assert.equal(db.cycles.at(-1)?.sensors?.throttled, "0x50005");
  assert.match(journal, /ran with 1 of 2 threads: CPU at 74°C, above softTempC 70°C/);
  assert.match(
    journal,
    /throttle bits 0x50005 \(now: under-voltage, throttled; since boot: under-voltage, throttling\)/,
  );
});

test("below softTempC the configured threads are used", async () => {
  const { brain } = await cycleOn({ cpuTempC: 60 }, { model: { threads: 2 } }, false);
  assert.equal(brain.opened[0]?.threads, 2);
});
