// Overlapping db writes land in call order, each as the data stood when it was called, so an older snapshot never
// overwrites a newer one, and no temp file is left behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";

test("the last of many overlapping writes is what db.json holds, and no temp file is left", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-01T10:00:00Z") };
  const { db } = await openDb(file, deps);

  const writes: Array<Promise<void>> = [];
  for (let n = 0; n < 20; n++) {
    db.data.cycle.count = n;
    // Earlier writes are bigger, so they would finish later if nothing ordered them. Unknown keys are kept.
    (db.data as unknown as Record<string, unknown>)["pad"] = "x".repeat((20 - n) * 20_000);
    writes.push(writeDb(db));
  }
  await Promise.all(writes);

  const reopened = await openDb(file, deps);
  assert.deepEqual(reopened.warnings, []);
  assert.equal(reopened.db.data.cycle.count, 19);
  assert.equal(((reopened.db.data as unknown as Record<string, unknown>)["pad"] as string).length, 20_000);
  assert.deepEqual((await readdir(dir)).sort(), ["db.json", "lessons.json"]);
});
