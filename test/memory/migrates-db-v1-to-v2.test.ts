// A version-1 db.json is migrated through version 2 (empty learning added) to 3, not quarantined; everything it held is kept and the write-back is v3.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";

// Compiled to dist/test/memory; the fixture stays in the source tree.
const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/db-v1.json", import.meta.url));

test("db v1 fixture: migrated to v3 on open with empty learning, nothing quarantined, old data and unknown keys kept", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  await copyFile(FIXTURE, file);
  const original = JSON.parse(await readFile(FIXTURE, "utf8")) as Record<string, unknown>;
  const logger = createMemoryLogger();

  const { db, warnings } = await openDb(file, { logger, clock: () => new Date("2024-05-02T00:00:00Z") });

  assert.deepEqual(warnings, []);
  assert.deepEqual(
    (await readdir(dir)).filter((entry) => entry.includes("corrupt")),
    [],
  );
  assert.equal(db.data.version, 3);
  assert.deepEqual(db.data.learning, createEmptyLearningData());
  assert.deepEqual(db.data.cycle, original["cycle"]);
  assert.deepEqual(db.data.goals, original["goals"]);
  assert.deepEqual(db.data.cycles, original["cycles"]);
  assert.deepEqual(db.data.lastSkip, original["lastSkip"]);
  assert.equal((db.data as unknown as Record<string, unknown>)["operatorNote"], "kept by a newer tool");

  await writeDb(db);
  const written = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  assert.equal(written["version"], 3);
  const { lessons, ...rest } = createEmptyLearningData();
  assert.deepEqual(written["learning"], { ...rest, lessonCount: lessons.length });
  assert.deepEqual(JSON.parse(await readFile(path.join(dir, "lessons.json"), "utf8")), {
    version: 1,
    nextLessonId: 1,
    generation: 1,
    lessons: [],
  });
  const reopened = await openDb(file, { logger, clock: () => new Date() });
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(reopened.db.data, db.data);
});
