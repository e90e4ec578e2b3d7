import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { StatusReport } from "../../src/cli/status-command.js";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";
import { runCli } from "../support/cli-process.js";
import { testModel } from "../support/state-fixture.js";
import { FAKE_MODEL_BYTES, makeInspectState, runCliJson, snapshotTree } from "./helpers/inspect-fixture.js";

test("status --json reports the recorded cycle, model estimate, goal, lesson, skill and inbox counts, and changes nothing", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  await writeFile(path.join(dir, "inbox", "note.md"), "please add eggs\n");
  await writeFile(path.join(dir, "inbox", "t2.lesson.md"), "Keep a backup.\n");
  await writeFile(path.join(dir, "inbox", "x.lesson-op.json"), '{"op":"pin","id":"L2"}\n');
  await writeFile(path.join(dir, "operator", "t3.lesson.md"), "Keep two backups.\n", { mode: 0o600 });
  // A real GGUF: a file that is not one gets no fit (see regression-a-bad-model-file-was-treated-three-ways).
  const modelBytes = (await stat(await testModel())).size;
  await copyFile(await testModel(), path.join(dir, "models", "tiny.gguf"));
  const before = await snapshotTree(dir);

  const report = await runCliJson<StatusReport>(["status", "--state", dir, "--json"]);

  assert.equal(report.stateDir, dir);
  assert.deepEqual(report.daemon, { running: false });
  assert.equal(report.cycles.count, 3);
  assert.deepEqual(report.cycles.last, {
    cycle: 3,
    status: "ran",
    startedAt: "2026-01-05T09:03:00.000Z",
    endedAt: "2026-01-05T09:03:02.500Z",
    durationMs: 2500,
    summary: "wrote shopping.txt",
    // The fixture's record predates the token figures: none, said as null rather than zeros.
    tokens: null,
  });
  assert.equal(report.nextWake.at, undefined, "no wake is promised while no daemon runs");
  assert.equal(report.model.path, path.join(dir, "models", "tiny.gguf"));
  assert.equal(report.model.exists, true);
  assert.equal(report.model.sizeBytes, modelBytes);
  assert.equal(
    report.model.estimatedNeedMB,
    Math.ceil((modelBytes * 1.2) / (1024 * 1024)) + 64,
    "file size × 1.2 plus the 64 MB default reserve",
  );
  assert.equal(report.model.fits, (report.model.estimatedNeedMB ?? Infinity) <= report.model.availableRamMB);
  assert.ok(report.sensors.totalRamMB > 0);
  assert.deepEqual(report.goals, { total: 3, open: 2, done: 1 });
  assert.deepEqual(report.lessons, { provisional: 2, trusted: 0, pinned: 1, retired: 1 });
  assert.deepEqual(report.skills, { active: 1, retired: 0 });
  // Whatever their names, inbox files are messages; only operator/ carries requests.
  assert.deepEqual(report.inbox, { messages: 3 });
  assert.deepEqual(report.operator, { requests: 1 });
  assert.deepEqual(await snapshotTree(dir), before, "status reads only");
});

test("status names the live lock holder as the running daemon, with its pid and the next scheduled wake", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  // A real GGUF, so the model line has a fit to show.
  await copyFile(await testModel(), path.join(dir, "models", "tiny.gguf"));
  const needMB = Math.ceil(((await stat(await testModel())).size * 1.2) / (1024 * 1024)) + 64;
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.ok(lock.ok);
  t.after(() => lock.release());

  const report = await runCliJson<StatusReport>(["status", "--state", dir, "--json"]);
  assert.equal(report.daemon.running, true);
  assert.equal(report.daemon.pid, process.pid);
  assert.ok(
    report.nextWake.at !== undefined && Date.parse(report.nextWake.at) > Date.now(),
    `next wake in the future, got ${report.nextWake.at}`,
  );

  const text = await runCli(["status", "--state", dir]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, new RegExp(`Daemon: +running, pid ${process.pid}`));
  assert.match(text.stdout, /Last cycle: 3 ran at .*2\.5 s: wrote shopping\.txt/);
  assert.match(
    text.stdout,
    new RegExp(`Model: .*tiny\\.gguf, 0\\.5 MB; needs about ${needMB} MB .*(fits|does NOT fit) \\(rough estimate`),
  );
  assert.match(text.stdout, /Goals: +2 open, 1 done \(3 in goals\.yaml\)/);
});

test("a lock left by a dead pid is reported as not running, with the stale lock named", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const dead = spawnSync("true");
  assert.ok(dead.pid !== undefined);
  await mkdir(path.join(dir, "daemon.lock"));
  await writeFile(
    path.join(dir, "daemon.lock", "owner.json"),
    JSON.stringify({ version: 1, pid: dead.pid, startedAt: "2026-01-05T08:00:00.000Z", hostname: os.hostname() }),
  );

  const report = await runCliJson<StatusReport>(["status", "--state", dir, "--json"]);
  assert.equal(report.daemon.running, false);
  assert.equal(report.daemon.staleLock, true);
  assert.equal(report.daemon.pid, dead.pid);
});

test("a daemon started with --model is reported with that model, not config.json's; status's own --model still wins", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const given = path.join(dir, "models", "given.gguf");
  await writeFile(given, Buffer.alloc(FAKE_MODEL_BYTES));
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger(), model: given });
  assert.ok(lock.ok);
  t.after(() => lock.release());

  const report = await runCliJson<StatusReport>(["status", "--state", dir, "--json"]);
  assert.equal(report.daemon.model, given);
  assert.equal(report.model.path, given);
  assert.equal(report.model.source, "daemon --model");
  const text = await runCli(["status", "--state", dir]);
  // A zero-filled stand-in is not a GGUF: status names the model and says what is wrong instead of a fit.
  assert.match(text.stdout, /Model: +.*given\.gguf \(given to the running daemon with --model\) is not usable: /);

  const own = await runCliJson<StatusReport>([
    "status",
    "--state",
    dir,
    "--model",
    path.join(dir, "models", "tiny.gguf"),
    "--json",
  ]);
  assert.equal(own.model.path, path.join(dir, "models", "tiny.gguf"));
  assert.equal(own.model.source, "--model");
});
