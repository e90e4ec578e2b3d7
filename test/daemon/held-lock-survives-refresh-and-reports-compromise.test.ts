// A held lock with owner.json survives proper-lockfile's refreshes; a lock pulled away is logged and reported without crashing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acquireStateLock, readLockHolder } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";

test("writing owner.json does not make the lock look compromised at the next refresh", async (t) => {
  const stateDir = await mkdtemp(path.join(tmpdir(), "apprentice-lock-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const logger = createMemoryLogger();
  const compromises: Error[] = [];
  // staleMs 2 000 → proper-lockfile refreshes every 1 000 ms.
  const lock = await acquireStateLock(stateDir, {
    logger,
    staleMs: 2_000,
    onCompromised: (error) => compromises.push(error),
  });
  assert.equal(lock.ok, true);
  await sleep(2_600);
  assert.deepEqual(compromises, []);
  assert.equal(logger.lines.filter((line) => line.startsWith("error")).length, 0, logger.lines.join("\n"));
  assert.equal((await readLockHolder(stateDir, 2_000))?.alive, true, "refreshed and still ours");
  if (lock.ok) await lock.release();
  assert.deepEqual(await readdir(stateDir), []);
});

test("a lock removed under its holder is logged and reported, even by a callback that throws", async (t) => {
  const stateDir = await mkdtemp(path.join(tmpdir(), "apprentice-lock-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const logger = createMemoryLogger();
  let reported = 0;
  const lock = await acquireStateLock(stateDir, {
    logger,
    staleMs: 2_000,
    onCompromised: () => {
      reported += 1;
      throw new Error("callback blew up");
    },
  });
  assert.equal(lock.ok, true);
  await rm(path.join(stateDir, "daemon.lock"), { recursive: true });
  const deadlineMs = Date.now() + 4_000;
  while (reported === 0 && Date.now() < deadlineMs) await sleep(50);
  assert.equal(reported, 1);
  assert.ok(logger.lines.some((line) => line.startsWith("error") && line.includes("compromised")));
  assert.ok(logger.lines.some((line) => line.startsWith("error") && line.includes("callback blew up")));
  if (lock.ok) await lock.release(); // already lost: resolves without throwing

  const again = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.equal(again.ok, true, "a lost lock is no longer counted as held by this process");
  if (again.ok) await again.release();
});
