// Regression: a situation outcome's `changedWorld` was dropped when db.json was read back (its schema lacked the field), so after a restart an action that had changed the workspace could be masked as ineffective.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { situationKey } from "../../src/learning/action-key.js";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";
import { outcome, outcomeCtx, runAction } from "../learning/helpers/learning-fixtures.js";

const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-02T00:00:00Z") };
const failed = [{ goal: "report", passed: false }];

async function dbFile(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-changed-world-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, "db.json");
}

test("a situation outcome keeps changedWorld through a write and a reopen", async (t) => {
  const file = await dbFile(t);
  const action = runAction("fetch-data");
  const { db } = await openDb(file, deps);
  recordOutcomes(db.data.learning, [outcome(1, action, { ok: true, changedWorld: true })], failed, outcomeCtx(1));
  await writeDb(db);

  const reopened = await openDb(file, deps);
  const outcomes = reopened.db.data.learning.situations[situationKey("report", action)]?.outcomes;
  assert.equal(outcomes?.length, 1);
  assert.equal(outcomes[0]?.changedWorld, true);
});

test("after a restart, an action that once changed the workspace is still never masked as ineffective", async (t) => {
  const file = await dbFile(t);
  const action = runAction("fetch-data");
  const first = await openDb(file, deps);
  recordOutcomes(first.db.data.learning, [outcome(1, action, { ok: true, changedWorld: true })], failed, outcomeCtx(1));
  await writeDb(first.db);

  // Each later cycle runs in a new process: the situation's history comes only from the files.
  for (const cycle of [2, 3, 4]) {
    const { db } = await openDb(file, deps);
    recordOutcomes(db.data.learning, [outcome(cycle, action, { ok: true })], failed, outcomeCtx(cycle));
    await writeDb(db);
  }

  const { db } = await openDb(file, deps);
  assert.deepEqual(db.data.learning.lessons, [], "no ineffective mask: the action changed the workspace in cycle 1");
});
