// db.json keeps only the last MAX_CYCLE_RECORDS cycle records, both when appending and when an oversized file is opened.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { appendCycleRecord, MAX_CYCLE_RECORDS, openDb, writeDb } from "../../src/memory/db.js";
import type { CycleRecord } from "../../src/memory/db.js";

function makeRecord(cycle: number): CycleRecord {
  const at = new Date(Date.UTC(2024, 0, 1) + cycle * 60_000).toISOString();
  return { cycle, startedAt: at, endedAt: at, status: "ran", steps: 1, failedSteps: 0, durationMs: 10 };
}

test("appending past the cap drops the oldest records and keeps order", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const deps = { logger: createMemoryLogger(), clock: () => new Date() };
  const { db } = await openDb(file, deps);

  for (let cycle = 1; cycle <= MAX_CYCLE_RECORDS + 37; cycle += 1) appendCycleRecord(db, makeRecord(cycle));
  assert.equal(MAX_CYCLE_RECORDS, 500);
  assert.equal(db.data.cycles.length, MAX_CYCLE_RECORDS);
  assert.equal(db.data.cycles[0]?.cycle, 38);
  assert.equal(db.data.cycles.at(-1)?.cycle, MAX_CYCLE_RECORDS + 37);
  await writeDb(db);
  assert.equal((await openDb(file, deps)).db.data.cycles.length, MAX_CYCLE_RECORDS);
});

test("an oversized cycles list in an existing file is capped on open", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const cycles = Array.from({ length: 600 }, (_, index) => makeRecord(index + 1));
  await writeFile(
    file,
    JSON.stringify({ version: 2, cycle: { count: 600 }, goals: {}, cycles, learning: createEmptyLearningData() }),
  );
  const { db, warnings } = await openDb(file, { logger: createMemoryLogger(), clock: () => new Date() });
  assert.deepEqual(warnings, []);
  assert.equal(db.data.cycles.length, MAX_CYCLE_RECORDS);
  assert.equal(db.data.cycles[0]?.cycle, 101);
});
