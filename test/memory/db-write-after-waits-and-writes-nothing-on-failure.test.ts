// A cycle's record is written only after its episodes are flushed: writeDbAfter prepares the write at once but puts
// nothing on disk before the flush settles, and nothing at all when the flush fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { teachLesson } from "../../src/learning/operator-ops.js";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb, writeDbAfter } from "../../src/memory/db.js";

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

test("writeDbAfter writes db.json only once the awaited flush settles, and writes nothing when it fails", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-after-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const deps = { logger: createMemoryLogger(), clock: () => new Date() };
  const { db } = await openDb(file, deps);
  await writeDb(db);
  const lastEnded = async (): Promise<unknown> =>
    (JSON.parse(await readFile(file, "utf8")) as { cycle: { lastEndedAt?: string } }).cycle.lastEndedAt;

  db.data.cycle.lastEndedAt = "2026-12-01T00:00:00.000Z";
  const flush = deferred();
  const writing = writeDbAfter(db, flush.promise);
  await sleep(50);
  assert.equal(await lastEnded(), undefined, "nothing on disk while the flush is pending");
  flush.resolve();
  await writing;
  assert.equal(await lastEnded(), "2026-12-01T00:00:00.000Z");

  db.data.cycle.lastEndedAt = "2026-12-02T00:00:00.000Z";
  const failed = deferred();
  const refused = writeDbAfter(db, failed.promise);
  failed.reject(new Error("EIO while flushing episodes.jsonl"));
  await assert.rejects(refused, /EIO while flushing/);
  assert.equal(await lastEnded(), "2026-12-01T00:00:00.000Z", "a failed flush leaves db.json as it was");

  // The store goes on: the next write lands.
  await writeDb(db);
  assert.equal(await lastEnded(), "2026-12-02T00:00:00.000Z");
});

test("lessons whose write was refused by a failed flush reach disk whole with the next write", async (t) => {
  // "rewrite": the refused write was planned as lessons.json written whole with the next generation (here because the
  // changes file had a torn line when the db was opened); "append": as one line of lessons-changes.jsonl.
  for (const planned of ["rewrite", "append"] as const) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `apprentice-db-after-${planned}-`));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "db.json");
    const deps = { logger: createMemoryLogger(), clock: () => new Date() };
    const ctx = { cycle: 1, now: new Date("2026-12-01T00:00:00.000Z") };
    const seeded = (await openDb(file, deps)).db;
    // Enough lessons that a small change fits in lessons-changes.jsonl (a line up to an eighth of lessons.json).
    seeded.data.learning.lessons = makeBenchLessons(200, { seed: 2, cycles: 1000 });
    seeded.data.learning.nextLessonId = 201;
    await writeDb(seeded);
    teachLesson(seeded.data.learning, "written before", "test", ctx);
    await writeDb(seeded);
    if (planned === "rewrite") await appendFile(path.join(dir, "lessons-changes.jsonl"), '{"generation":1,"nextLess');
    const { db } = await openDb(file, deps);
    const texts = db.data.learning.lessons.map((lesson) => lesson.text);

    teachLesson(db.data.learning, "check the disk first", "test", ctx);
    const failed = deferred();
    const refused = writeDbAfter(db, failed.promise);
    failed.reject(new Error("EIO"));
    await assert.rejects(refused, /EIO/);
    teachLesson(db.data.learning, "and the feed", "test", ctx);
    await writeDb(db);

    const reopened = await openDb(file, deps);
    assert.deepEqual(reopened.warnings, [], planned);
    assert.deepEqual(
      reopened.db.data.learning.lessons.map((lesson) => lesson.text),
      [...texts, "check the disk first", "and the feed"],
      planned,
    );
    assert.equal(reopened.db.data.learning.nextLessonId, db.data.learning.nextLessonId, planned);
  }
});
