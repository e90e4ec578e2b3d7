// Regression: a lock dir whose owner.json is gone (a holder cut off between taking the lock and writing its owner, or
// the file removed) was refused with "retry in a minute", though it counts as stale only ten minutes after its last
// refresh. The refusal now says how long is left, and which folder to remove once no apprentice runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";

test("a lock without owner.json is refused with the time left until it counts as stale and the folder to remove", async (t) => {
  const scratch = await mkdtemp(path.join(tmpdir(), "apprentice-lock-"));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const stateDir = path.join(scratch, "state");
  await mkdir(path.join(stateDir, "daemon.lock"), { recursive: true });

  const refused = await acquireStateLock(stateDir, { logger: createMemoryLogger() });
  assert.ok(!refused.ok);
  assert.match(refused.message, /no owner\.json, lock refreshed \d+ s ago/);
  assert.match(refused.message, /counts as stale in (10|9) min \(retry then\)/);
  assert.ok(refused.message.includes(`remove ${path.join(stateDir, "daemon.lock")} once you are sure none runs`));
  assert.doesNotMatch(refused.message, /a minute/);

  const short = await acquireStateLock(stateDir, { logger: createMemoryLogger(), staleMs: 30_000 });
  assert.ok(!short.ok);
  assert.match(short.message, /counts as stale in (30|29|28) s/);
});
