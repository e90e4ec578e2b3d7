// The running daemon's config reader: a valid edit is applied with its changed settings named; a bad one is logged at
// error level and told once in outbox/, the last good config stays in force, and config.json is never moved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { ConfigChange } from "../../src/config-changes.js";
import { parseConfig, type Config } from "../../src/config.js";
import { ConfigReloader } from "../../src/daemon/config-reloader.js";
import { createMemoryLogger } from "../../src/log.js";
import { statePaths } from "../../src/memory/state-paths.js";

async function makeReloader(findProblem: (config: Config) => string | undefined = () => undefined) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-reload-"));
  const paths = statePaths(dir);
  await mkdir(paths.outbox);
  const start = { version: 1, limits: { maxSteps: 6 } };
  await writeFile(paths.config, JSON.stringify(start, null, 2));
  const logger = createMemoryLogger();
  const applied: Array<{ config: Config; changes: readonly ConfigChange[] }> = [];
  const reloader = new ConfigReloader({
    paths,
    config: parseConfig(start, paths.config),
    logger,
    clock: () => new Date("2026-12-07T12:00:00.000Z"),
    findProblem: async (config) => findProblem(config),
    apply: (config, changes) => {
      applied.push({ config, changes });
      return ["applied in the test"];
    },
  });
  const outbox = async (): Promise<string[]> => (await readdir(paths.outbox)).sort();
  return { dir, paths, logger, applied, reloader, outbox, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test("a valid edit is applied and the log names each changed setting with its old and new value", async (t) => {
  const { paths, logger, applied, reloader, cleanup } = await makeReloader();
  t.after(cleanup);
  await reloader.check();
  assert.equal(applied.length, 0, "the file as started with changes nothing");
  await writeFile(
    paths.config,
    JSON.stringify({ version: 1, limits: { maxSteps: 8 }, schedule: { cron: "*/5 * * * *" } }, null, 2),
  );
  await reloader.check();
  assert.equal(applied.length, 1);
  assert.deepEqual(
    applied[0]?.changes.map((change) => [change.key, change.before, change.after, change.applies]),
    [
      ["schedule.cron", "*/30 * * * *", "*/5 * * * *", "reschedule"],
      ["limits.maxSteps", 6, 8, "next-cycle"],
    ],
  );
  assert.equal(reloader.config.limits.maxSteps, 8);
  assert.ok(
    logger.lines.includes(
      'info config.json changed: schedule.cron "*/30 * * * *" → "*/5 * * * *", limits.maxSteps 6 → 8; applied in the test',
    ),
    logger.lines.join("\n"),
  );
});

test("a bad edit is logged at error level with its line and column, told once in outbox/, and the file stays", async (t) => {
  const { paths, logger, applied, reloader, outbox, cleanup } = await makeReloader();
  t.after(cleanup);
  const bad = '{\n  "version": 1,\n  "limits": {\n    "maxSteps": 8\n    "stepTimeoutMs": 1000\n  }\n}\n';
  await writeFile(paths.config, bad);
  await reloader.check();
  await reloader.check();
  const errors = logger.lines.filter((line) => line.startsWith("error "));
  assert.equal(errors.length, 1, logger.lines.join("\n"));
  assert.match(errors[0] ?? "", /config\.json not applied: .*config\.json is not valid JSON at line 5, column 5: /);
  assert.match(errors[0] ?? "", /runs on the config in force since/);
  const notes = await outbox();
  assert.equal(notes.length, 1);
  assert.match(notes[0] ?? "", /-config\.md$/);
  const note = await readFile(path.join(paths.outbox, notes[0] ?? ""), "utf8");
  assert.match(
    note,
    /line 5, column 5: expected ',' or '}' after property value \(a ',' is missing at the end of line 4\)/,
  );
  assert.ok(note.includes('5 |     "stepTimeoutMs": 1000\n  |     ^'), note);
  assert.equal(await readFile(paths.config, "utf8"), bad, "config.json is left exactly as written");
  assert.deepEqual(await readdir(paths.root).then((names) => names.filter((name) => name.includes("corrupt"))), []);
  assert.equal(applied.length, 0);
  assert.equal(reloader.config.limits.maxSteps, 6, "the last good config stays in force");

  // Another bad content is told too; a schema error names the field.
  await writeFile(paths.config, JSON.stringify({ version: 1, limits: { maxSteps: 0 } }));
  await reloader.check();
  assert.equal((await outbox()).length, 2);
  assert.match(logger.lines.at(-2) ?? "", /^error config\.json not applied: .*limits\.maxSteps/);

  // A later valid edit is applied.
  await writeFile(paths.config, JSON.stringify({ version: 1, limits: { maxSteps: 7 } }));
  await reloader.check();
  assert.equal(reloader.config.limits.maxSteps, 7);
  assert.match(logger.lines.at(-1) ?? "", /^info config\.json changed: limits\.maxSteps 6 → 7/);
});

test("an edit the daemon could not work with is refused as a bad one, and applied once the problem is gone", async (t) => {
  let modelThere = false;
  const { paths, logger, reloader, outbox, cleanup } = await makeReloader(() =>
    modelThere ? undefined : "model file /nowhere.gguf cannot be read (ENOENT)",
  );
  t.after(cleanup);
  await writeFile(
    paths.config,
    JSON.stringify({ version: 1, model: { path: "/nowhere.gguf" }, limits: { maxSteps: 6 } }),
  );
  await reloader.check();
  await reloader.check();
  assert.equal(logger.lines.filter((line) => line.startsWith("error ")).length, 1, logger.lines.join("\n"));
  assert.match(logger.lines.join("\n"), /not applied: .*config\.json: model file \/nowhere\.gguf cannot be read/);
  const notes = await outbox();
  assert.equal(notes.length, 1);
  const note = await readFile(path.join(paths.outbox, notes[0] ?? ""), "utf8");
  assert.match(note, /The edit: model\.path null → "\/nowhere\.gguf"\./);
  assert.equal(reloader.config.model.path, null);
  modelThere = true;
  await reloader.check();
  assert.equal(reloader.config.model.path, "/nowhere.gguf", "checked again before each cycle, so it applies");
});

test("a config.json that is briefly gone is logged once and keeps the config in force, with no outbox note", async (t) => {
  const { paths, logger, reloader, outbox, cleanup } = await makeReloader();
  t.after(cleanup);
  const text = await readFile(paths.config, "utf8");
  await rm(paths.config);
  await reloader.check();
  await reloader.check();
  assert.equal(logger.lines.filter((line) => / is gone;/.test(line)).length, 1, logger.lines.join("\n"));
  assert.deepEqual(await outbox(), []);
  await writeFile(paths.config, text);
  await reloader.check();
  assert.equal(reloader.config.limits.maxSteps, 6);
});

test("a save caught half-way (the file emptied, then written) is not told as a bad edit", async (t) => {
  const { paths, logger, reloader, outbox, cleanup } = await makeReloader();
  t.after(cleanup);
  await writeFile(paths.config, "");
  const checked = reloader.check();
  // The empty file is read first; the rest of the save lands well within the 300 ms a refusal must hold.
  await delay(50);
  await writeFile(paths.config, JSON.stringify({ version: 1, limits: { maxSteps: 9 } }));
  await checked;
  assert.deepEqual(
    logger.lines.filter((line) => !line.startsWith("debug ")),
    ["info config.json changed: limits.maxSteps 6 → 9; applied in the test"],
  );
  assert.deepEqual(await outbox(), []);
});
