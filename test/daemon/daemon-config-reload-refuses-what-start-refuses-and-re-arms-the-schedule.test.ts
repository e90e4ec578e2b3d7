// The daemon's side of a config edit: a new schedule re-arms the scheduler's timer at once, a new model path is put in
// force for the next cycle, a setting read only at start says so, and an edit `start` would refuse is not applied.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseConfig } from "../../src/config.js";
import { CycleScheduler } from "../../src/daemon/cycle-scheduler.js";
import { createDaemonConfigReloader } from "../../src/daemon/daemon-config-reload.js";
import type { OpenState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { statePaths } from "../../src/memory/state-paths.js";

const A_DAY_MS = 24 * 3600 * 1000;

async function setUp(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-daemon-reload-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const paths = statePaths(dir);
  await mkdir(paths.outbox);
  await mkdir(paths.models);
  await writeFile(path.join(paths.models, "a.gguf"), "GGUF");
  await writeFile(path.join(paths.models, "b.gguf"), "GGUF");
  const written = {
    version: 1,
    model: { path: "models/a.gguf" },
    schedule: { cron: "0 0 1 1 *", catchUp: false },
    sandbox: { mode: "none" },
  };
  await writeFile(paths.config, JSON.stringify(written));
  const config = parseConfig(written, paths.config);
  const state = { paths, config, modelPath: path.join(paths.models, "a.gguf") } as unknown as OpenState;
  const logger = createMemoryLogger();
  const scheduler = new CycleScheduler({
    cronExpr: config.schedule.cron,
    debounceMs: 100,
    logger,
    runCycle: async () => {},
  });
  scheduler.start();
  t.after(() => scheduler.stop());
  const reloader = createDaemonConfigReloader({ state, scheduler, logger, clock: () => new Date() });
  const save = (edit: (config: typeof written) => void): Promise<void> => {
    const next = structuredClone(written);
    edit(next);
    return writeFile(paths.config, JSON.stringify(next));
  };
  return { paths, state, logger, scheduler, reloader, save };
}

test("a new schedule re-arms the timer at once and a new model path is in force for the next cycle", async (t) => {
  const { paths, state, logger, scheduler, reloader, save } = await setUp(t);
  assert.ok((scheduler.nextWakeAt()?.getTime() ?? 0) - Date.now() > A_DAY_MS, "the first wake is days away");
  await save((config) => {
    config.schedule.cron = "*/5 * * * * *";
    config.model.path = "models/b.gguf";
  });
  await reloader.check();
  assert.ok((scheduler.nextWakeAt()?.getTime() ?? Infinity) - Date.now() <= 5_000, "the next wake is within 5 s");
  assert.equal(state.modelPath, path.join(paths.models, "b.gguf"));
  assert.equal(state.config.schedule.cron, "*/5 * * * * *");
  assert.match(logger.lines.at(-1) ?? "", /^info config\.json changed: model\.path .* the schedule is re-armed: next/);
});

test("a setting read only at start is applied but the log says it needs a restart", async (t) => {
  const { logger, reloader, save } = await setUp(t);
  await save((config) => (config.schedule.catchUp = true));
  await reloader.check();
  assert.match(
    logger.lines.at(-1) ?? "",
    /config\.json changed: schedule\.catchUp false → true; schedule\.catchUp is read at start: restart the daemon/,
  );
});

test("a model path whose file is missing, or a schedule with no next run, is refused and nothing changes", async (t) => {
  const { paths, state, logger, scheduler, reloader, save } = await setUp(t);
  const before = scheduler.nextWakeAt();
  await save((config) => (config.model.path = "models/missing.gguf"));
  await reloader.check();
  assert.equal(state.modelPath, path.join(paths.models, "a.gguf"));
  assert.match(
    logger.lines.join("\n"),
    /error config\.json not applied: .*model\.path: fix the model: model file .*missing\.gguf/,
  );
  await save((config) => (config.schedule.cron = "0 0 31 2 *"));
  await reloader.check();
  assert.match(logger.lines.join("\n"), /error config\.json not applied: .*schedule\.cron: /);
  assert.equal(state.config.schedule.cron, "0 0 1 1 *");
  assert.deepEqual(scheduler.nextWakeAt(), before);
});
