// Regression: a lessons.json lesson of 1 MB was loaded and carried silently into every cycle. Now its text is cut to
// MAX_LESSON_TEXT_CHARS on open, with a warning naming the file, after the whole file is copied aside; the next open is clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { teachLesson } from "../../src/learning/operator-ops.js";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";
import { MAX_LESSON_TEXT_CHARS } from "../../src/memory/state-store-file.js";

test("a 1 MB lesson is cut once, its file kept aside, and the next open is clean", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-big-lesson-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-01T10:20:30.123Z") };
  const first = await openDb(file, deps);
  teachLesson(first.db.data.learning, "short lesson", "test", { cycle: 0, now: new Date() });
  first.db.data.learning.lessons[0]!.text = "x".repeat(1024 * 1024);
  await writeDb(first.db);
  const original = await readFile(path.join(dir, "lessons.json"), "utf8");

  const second = await openDb(file, deps);
  assert.ok(second.db.data.learning.lessons[0]!.text.length <= MAX_LESSON_TEXT_CHARS);
  assert.ok(
    second.warnings.some((warning) => warning.includes(path.join(dir, "lessons.json")) && warning.includes("L1")),
    second.warnings.join("\n"),
  );
  const kept = (await readdir(dir)).filter((name) => name.startsWith("lessons.json.corrupt-"));
  assert.equal(kept.length, 1);
  assert.equal(await readFile(path.join(dir, kept[0] as string), "utf8"), original);

  const third = await openDb(file, deps);
  assert.deepEqual(third.warnings, []);
});
