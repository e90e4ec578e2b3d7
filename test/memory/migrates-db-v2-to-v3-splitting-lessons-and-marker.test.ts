// A version-2 db.json (lessons inline, in-progress marker inline) opens as version 3 with the same data; the next write moves the lessons to lessons.json and the marker to cycle.json; a corrupt or missing lessons.json never costs the rest of the db.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeCycleMarker, writeDb } from "../../src/memory/db.js";

// Compiled to dist/test/memory; the fixture stays in the source tree.
const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/db-v2.json", import.meta.url));
const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-02T00:00:00Z") };

async function stateWithV2(t: {
  after: (fn: () => Promise<void>) => void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a fixture read loosely
}): Promise<{ dir: string; file: string; original: Record<string, any> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-v2-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  await copyFile(FIXTURE, file);
  return { dir, file, original: JSON.parse(await readFile(FIXTURE, "utf8")) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- a fixture read loosely
}

test("db v2 fixture: opens as v3 with the same lessons and marker; the write splits them out and reads back the same", async (t) => {
  const { dir, file, original } = await stateWithV2(t);
  const { db, warnings } = await openDb(file, deps);
  assert.deepEqual(warnings, []);
  assert.equal(db.data.version, 3);
  assert.deepEqual(db.data.learning.lessons, original["learning"].lessons);
  assert.deepEqual(db.data.cycle.inProgress, original["cycle"].inProgress, "the old marker is honoured");

  await writeDb(db);
  const written = JSON.parse(await readFile(file, "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
  assert.equal(written["version"], 3);
  assert.equal(written["learning"].lessons, undefined, "db.json no longer holds the lessons");
  assert.equal(written["learning"].lessonCount, 2);
  assert.equal(written["cycle"].inProgress, undefined, "nor the marker");
  const lessonsText = await readFile(path.join(dir, "lessons.json"), "utf8");
  assert.equal(lessonsText.split("\n").length, 5, "header, one line per lesson, closing line, final newline");
  assert.deepEqual(JSON.parse(lessonsText), {
    version: 1,
    nextLessonId: 3,
    generation: 1,
    lessons: original["learning"].lessons,
  });
  assert.deepEqual(JSON.parse(await readFile(path.join(dir, "cycle.json"), "utf8")), {
    version: 1,
    inProgress: original["cycle"].inProgress,
  });

  const reopened = await openDb(file, deps);
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(reopened.db.data, db.data);

  delete reopened.db.data.cycle.inProgress;
  await writeDb(reopened.db);
  assert.deepEqual(
    (await readdir(dir)).sort(),
    ["db.json", "lessons.json"],
    "the marker is removed when the cycle is done",
  );
});

test("the marker alone: writeCycleMarker writes only cycle.json; an unchanged db rewrites nothing", async (t) => {
  const { dir, file } = await stateWithV2(t);
  const { db } = await openDb(file, deps);
  delete db.data.cycle.inProgress;
  await writeDb(db);
  const before = await Promise.all(["db.json", "lessons.json"].map((name) => readFile(path.join(dir, name), "utf8")));
  db.data.cycle.count = 5;
  db.data.cycle.inProgress = { cycle: 5, startedAt: "2024-05-02T00:00:00.000Z", pid: 7 };
  await writeCycleMarker(db);
  assert.deepEqual(
    await Promise.all(["db.json", "lessons.json"].map((name) => readFile(path.join(dir, name), "utf8"))),
    before,
    "db.json and lessons.json untouched",
  );
  const reopened = await openDb(file, deps);
  assert.equal(reopened.db.data.cycle.count, 4, "the count reaches db.json with the cycle's end");
  assert.equal(reopened.db.data.cycle.inProgress?.cycle, 5, "the marker carries the number until then");
});

test("a corrupt lessons.json is quarantined and the rest of the db kept; a missing one is reported", async (t) => {
  const { dir, file, original } = await stateWithV2(t);
  const { db } = await openDb(file, deps);
  await writeDb(db);
  await writeFile(path.join(dir, "lessons.json"), '{"version":1,"nextLessonId":3,"lessons":[\n{"id":"L1"');

  const opened = await openDb(file, deps);
  const quarantined = (await readdir(dir)).filter((name) => name.startsWith("lessons.json.corrupt-"));
  assert.equal(quarantined.length, 1);
  assert.equal(
    await readFile(path.join(dir, quarantined[0] as string), "utf8"),
    '{"version":1,"nextLessonId":3,"lessons":[\n{"id":"L1"',
    "kept byte for byte",
  );
  assert.ok(
    opened.warnings.some(
      (warning) => warning.includes("lessons.json is unusable") && warning.includes("rest of the db is kept"),
    ),
    opened.warnings.join("\n"),
  );
  assert.ok(
    opened.warnings.some((warning) => warning.includes("counts 2 lessons")),
    "the missing lessons are named",
  );
  assert.deepEqual(opened.db.data.goals, original["goals"], "goal progress kept");
  assert.equal(opened.db.data.cycle.count, 4);
  assert.deepEqual(opened.db.data.learning.lessons, []);
  assert.equal(opened.db.data.learning.nextLessonId, 3, "ids are never handed out twice");
  assert.equal(
    (await readdir(dir)).filter((name) => name.startsWith("db.json.corrupt-")).length,
    0,
    "db.json itself was not moved",
  );
});

test("a lesson that breaks the schema in lessons.json quarantines lessons.json, not db.json", async (t) => {
  const { dir, file } = await stateWithV2(t);
  const { db } = await openDb(file, deps);
  await writeDb(db);
  const text = await readFile(path.join(dir, "lessons.json"), "utf8");
  await writeFile(path.join(dir, "lessons.json"), text.replace('"helpful":1', '"helpful":"one"'));
  const opened = await openDb(file, deps);
  assert.equal((await readdir(dir)).filter((name) => name.startsWith("lessons.json.corrupt-")).length, 1);
  assert.equal((await readdir(dir)).filter((name) => name.startsWith("db.json.corrupt-")).length, 0);
  assert.equal(opened.db.data.cycle.count, 4);
});
