// A lock left by a SIGKILLed holder is taken over at once (by pid), not after the stale time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireStateLock, readLockHolder } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";
import { startLockChild, waitForExit, writeLockChildScript } from "./helpers/lock-child.js";

test("the lock of a kill -9'd holder is taken over without waiting the stale time", async (t) => {
  const scratch = await mkdtemp(path.join(tmpdir(), "apprentice-lock-"));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const stateDir = path.join(scratch, "state");
  await mkdir(stateDir);
  const script = await writeLockChildScript(scratch);

  const { child, report } = await startLockChild(script, stateDir, "hold");
  t.after(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
  assert.equal(report.ok, true, report.message);
  const live = await readLockHolder(stateDir);
  assert.deepEqual([live?.pid, live?.alive], [report.pid, true]);

  const whileAlive = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.equal(whileAlive.ok, false, "a live holder keeps its lock");

  child.kill("SIGKILL");
  await waitForExit(child);
  const dead = await readLockHolder(stateDir);
  assert.deepEqual([dead?.pid, dead?.alive], [report.pid, false]);

  const logger = createMemoryLogger();
  const startedMs = Date.now();
  const taken = await acquireStateLock(stateDir, { logger, staleMs: 60_000 });
  const elapsedMs = Date.now() - startedMs;
  assert.equal(taken.ok, true, taken.ok ? "" : taken.message);
  assert.ok(elapsedMs < 5_000, `took ${elapsedMs} ms; the stale time is 60 s`);
  assert.ok(
    logger.lines.some(
      (line) => line.startsWith("warn") && line.includes(`pid ${report.pid}`) && line.includes("not running"),
    ),
    `expected a warning naming the dead pid, got: ${logger.lines.join(" | ")}`,
  );
  assert.equal((await readLockHolder(stateDir))?.pid, process.pid);
  assert.deepEqual(await readdir(stateDir), ["daemon.lock"], "no stale lock left aside");
  if (taken.ok) await taken.release();
});
