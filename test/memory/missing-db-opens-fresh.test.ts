// A missing db.json opens as fresh default data without warnings, and what is written reads back, unknown keys included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { openDb, writeDb } from "../../src/memory/db.js";

test("missing db.json: fresh data, no warnings, no file until the first write; a write round-trips", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-01T10:00:00Z") };

  const { db, warnings } = await openDb(file, deps);
  assert.deepEqual(warnings, []);
  assert.deepEqual(db.data, {
    version: 3,
    cycle: { count: 0 },
    goals: {},
    cycles: [],
    learning: createEmptyLearningData(),
  });
  await assert.rejects(access(file), { code: "ENOENT" });

  db.data.cycle.count = 4;
  db.data.goals["tidy"] = { attempts: 2, lastCheckPassed: false };
  (db.data as unknown as Record<string, unknown>)["extra"] = [{ id: "L1" }];
  await writeDb(db);

  const reopened = await openDb(file, deps);
  assert.deepEqual(reopened.warnings, []);
  assert.equal(reopened.db.data.cycle.count, 4);
  assert.deepEqual(reopened.db.data.goals["tidy"], { attempts: 2, lastCheckPassed: false });
  assert.deepEqual((reopened.db.data as unknown as Record<string, unknown>)["extra"], [{ id: "L1" }]);
  assert.ok((await readFile(file, "utf8")).endsWith("}\n"));
});
