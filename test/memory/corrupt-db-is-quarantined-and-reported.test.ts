// A corrupt db.json (garbage, empty, truncated, wrong schema, unknown or too old version) is quarantined and reported; the daemon gets a fresh db.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { createDefaultDbData, openDb, writeDb } from "../../src/memory/db.js";

const goodDb = JSON.stringify(
  { version: 2, cycle: { count: 3 }, goals: {}, cycles: [], learning: createEmptyLearningData() },
  null,
  2,
);

const cases: Array<{ name: string; content: string; reason: RegExp }> = [
  { name: "garbage", content: "\u0000\u0001garbage{{", reason: /invalid JSON/ },
  { name: "empty", content: "", reason: /empty/ },
  { name: "truncated JSON", content: goodDb.slice(0, goodDb.length / 2), reason: /invalid JSON/ },
  { name: "unknown version", content: goodDb.replace('"version": 2', '"version": 4'), reason: /unknown version 4/ },
  { name: "version 0", content: goodDb.replace('"version": 2', '"version": 0'), reason: /unknown version 0/ },
  { name: "schema mismatch", content: goodDb.replace('"count": 3', '"count": "three"'), reason: /cycle\.count/ },
  {
    name: "learning schema mismatch",
    content: goodDb.replace('"nextLessonId": 1', '"nextLessonId": "one"'),
    reason: /learning\.nextLessonId/,
  },
];

for (const { name, content, reason } of cases) {
  test(`${name}: quarantined as db.json.corrupt-*, fresh db returned, warning names both files`, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "db.json");
    await writeFile(file, content);
    const logger = createMemoryLogger();

    const { db, warnings } = await openDb(file, { logger, clock: () => new Date("2024-05-01T10:20:30.123Z") });

    assert.deepEqual(db.data, createDefaultDbData());
    const quarantined = (await readdir(dir)).filter((entry) => entry.startsWith("db.json.corrupt-"));
    assert.equal(quarantined.length, 1);
    const quarantinedPath = path.join(dir, quarantined[0] as string);
    assert.equal(await readFile(quarantinedPath, "utf8"), content, "the corrupt bytes are kept, not deleted");
    assert.equal(warnings.length, 1);
    const warning = warnings[0] as string;
    assert.ok(warning.includes(file), warning);
    assert.ok(warning.includes(quarantinedPath), warning);
    assert.match(warning, reason);
    assert.ok(logger.lines.some((line) => line.startsWith("warn ") && line.includes(quarantinedPath)));

    await writeDb(db);
    const reopened = await openDb(file, { logger, clock: () => new Date() });
    assert.deepEqual(reopened.warnings, [], "the fresh db written afterwards opens cleanly");
  });
}
