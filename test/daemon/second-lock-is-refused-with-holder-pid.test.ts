// A second process cannot take a held state lock, is told the holder's pid, and can take it once released.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireStateLock, readLockHolder } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";
import { startLockChild, waitForExit, writeLockChildScript } from "./helpers/lock-child.js";

test("a second process is refused with the holder's pid, then succeeds after release", async (t) => {
  const scratch = await mkdtemp(path.join(tmpdir(), "apprentice-lock-"));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const stateDir = path.join(scratch, "state");
  await mkdir(stateDir);
  const script = await writeLockChildScript(scratch);

  const mine = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.ok(mine.ok, JSON.stringify(mine));

  const holder = await readLockHolder(stateDir);
  assert.equal(holder?.pid, process.pid);
  assert.equal(holder?.alive, true);

  const refused = await startLockChild(script, stateDir, "try");
  await waitForExit(refused.child);
  assert.equal(refused.report.ok, false);
  assert.equal(refused.report.reason, "held");
  assert.equal(refused.report.holderPid, process.pid);
  assert.match(
    refused.report.message ?? "",
    new RegExp(`another apprentice \\(pid ${process.pid}, since .+\\) holds .+; stop it first`),
  );

  await mine.release();
  assert.deepEqual(await readdir(stateDir), [], "release removes daemon.lock and its owner.json");

  const accepted = await startLockChild(script, stateDir, "try");
  await waitForExit(accepted.child);
  assert.equal(accepted.report.ok, true, accepted.report.message);
  assert.deepEqual(await readdir(stateDir), [], "the child released its lock too");
});

test("the same process asking twice is refused rather than taking over its own lock", async (t) => {
  const stateDir = await mkdtemp(path.join(tmpdir(), "apprentice-lock-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const first = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.equal(first.ok, true);
  const second = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.equal(second.ok, false);
  if (first.ok) await first.release();
  const third = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.equal(third.ok, true);
  if (third.ok) await third.release();
});
