// A write that changed a few lessons of many appends them to lessons-changes.jsonl instead of rewriting lessons.json;
// past an eighth of lessons.json's size the next change rewrites lessons.json (next generation) and removes the file.
// Reading replays the changes; a torn last line, a line of an older generation and a corrupt line are each handled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, readDbData, writeDb } from "../../src/memory/db.js";

async function freshDb(
  t: { after(fn: () => Promise<void>): void },
  lessons: number,
): Promise<{ dir: string; file: string; open: () => ReturnType<typeof openDb> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-lesson-changes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const open = (): ReturnType<typeof openDb> =>
    openDb(file, { logger: createMemoryLogger(), clock: () => new Date("2026-11-30T12:00:00Z") });
  const { db } = await open();
  db.data.learning.lessons = makeBenchLessons(lessons, { seed: 2, cycles: 300 });
  db.data.learning.nextLessonId = lessons + 1;
  await writeDb(db);
  return { dir, file, open };
}

const read = (dir: string, name: string): Promise<string> => readFile(path.join(dir, name), "utf8");

test("a few changed lessons are appended, read back in place, and folded into lessons.json once the changes outgrow an eighth of it", async (t) => {
  const { dir, file, open } = await freshDb(t, 300);
  const base = await read(dir, "lessons.json");
  assert.match(base, /"generation":1,/);
  const { db } = await open();
  const lessons = db.data.learning.lessons;
  (lessons[10] as (typeof lessons)[number]).helpful += 1;
  lessons.splice(20, 1);
  lessons.push({
    ...(lessons[0] as (typeof lessons)[number]),
    id: `L${db.data.learning.nextLessonId++}`,
    text: "a new lesson",
    history: [],
  });
  await writeDb(db);
  assert.equal(await read(dir, "lessons.json"), base, "lessons.json is left alone");
  const lines = (await read(dir, "lessons-changes.jsonl")).trim().split("\n");
  assert.equal(lines.length, 1);
  const change = JSON.parse(lines[0] as string) as {
    generation: number;
    set: Array<{ id: string }>;
    removed: string[];
  };
  assert.deepEqual(
    [change.generation, change.set.map((lesson) => lesson.id), change.removed.length],
    [1, [lessons[10]?.id, lessons.at(-1)?.id], 1],
  );
  assert.deepEqual(
    (await readDbData(file)).learning,
    db.data.learning,
    "the replay gives back the same lessons, in the same order",
  );

  // Keep changing one lesson a write until the changes would pass an eighth of lessons.json.
  let writes = 1;
  while ((await readdir(dir)).includes("lessons-changes.jsonl")) {
    (lessons[writes % 50] as (typeof lessons)[number]).harmful += 1;
    await writeDb(db);
    writes += 1;
    assert.ok(writes < 500, "the changes file is never folded in");
  }
  assert.ok(writes > 5, `folded after ${writes} writes: appends are the common case`);
  assert.match(await read(dir, "lessons.json"), /"generation":2,/);
  assert.deepEqual((await readDbData(file)).learning, db.data.learning);
  // A write that changed no lesson touches neither file.
  db.data.cycle.count += 1;
  const before = await read(dir, "lessons.json");
  await writeDb(db);
  assert.equal(await read(dir, "lessons.json"), before);
  assert.ok(!(await readdir(dir)).includes("lessons-changes.jsonl"));
});

test("a torn last line is dropped with a warning naming the file, and the next write folds everything into lessons.json", async (t) => {
  const { dir, file, open } = await freshDb(t, 200);
  const { db } = await open();
  (db.data.learning.lessons[5] as (typeof db.data.learning.lessons)[number]).helpful += 3;
  await writeDb(db);
  const kept = structuredClone(db.data.learning);
  await appendFile(path.join(dir, "lessons-changes.jsonl"), '{"generation":1,"nextLessonId":999,"set":[{"id":"L7","te');
  const reopened = await open();
  assert.ok(
    reopened.warnings.some(
      (warning) => warning.includes(path.join(dir, "lessons-changes.jsonl")) && /half-written/.test(warning),
    ),
    reopened.warnings.join("\n"),
  );
  assert.deepEqual(reopened.db.data.learning, kept, "the whole lines before the torn one count");
  await writeDb(reopened.db);
  assert.ok(
    !(await readdir(dir)).includes("lessons-changes.jsonl"),
    "the next write rewrote lessons.json and removed the changes",
  );
  assert.deepEqual((await readDbData(file)).learning, kept);
});

test("lines of an older generation (a crash between rewriting lessons.json and removing the changes) are ignored", async (t) => {
  const { dir, file, open } = await freshDb(t, 200);
  const { db } = await open();
  const lesson = db.data.learning.lessons[3] as (typeof db.data.learning.lessons)[number];
  const stale = JSON.stringify({
    generation: 0,
    nextLessonId: 201,
    set: [{ ...lesson, helpful: 99 }],
    removed: ["L1"],
  });
  await writeFile(path.join(dir, "lessons-changes.jsonl"), `${stale}\n`);
  const data = await readDbData(file);
  assert.deepEqual(
    data.learning.lessons,
    db.data.learning.lessons,
    "generation 0 lines do not apply to a generation 1 lessons.json",
  );
});

test("a corrupt whole line quarantines lessons-changes.jsonl and keeps the lessons of lessons.json", async (t) => {
  const { dir, open } = await freshDb(t, 100);
  const { db } = await open();
  const original = structuredClone(db.data.learning.lessons);
  await writeFile(
    path.join(dir, "lessons-changes.jsonl"),
    '{"generation":1,"nextLessonId":101,"set":[],"removed":[]}\nnot json\n',
  );
  const reopened = await open();
  assert.ok(
    reopened.warnings.some(
      (warning) => warning.includes("lessons-changes.jsonl is unusable") && warning.includes("changes since are lost"),
    ),
    reopened.warnings.join("\n"),
  );
  assert.equal((await readdir(dir)).filter((name) => name.startsWith("lessons-changes.jsonl.corrupt-")).length, 1);
  assert.deepEqual(reopened.db.data.learning.lessons, original);
});
