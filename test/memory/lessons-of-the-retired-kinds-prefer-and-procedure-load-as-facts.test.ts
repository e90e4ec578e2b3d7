// A lessons.json (or lessons-changes.jsonl, or a version 2 db.json) from an older version may hold lessons of the kinds
// nothing produces any more, `prefer` and `procedure`: they load as `fact` lessons with everything else kept, the other
// lessons untouched, nothing quarantined.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { openDb, writeDb } from "../../src/memory/db.js";

const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-01T10:00:00Z") };

function storedLesson(id: string, kind: string, text: string): Record<string, unknown> {
  return {
    id,
    text,
    kind,
    scope: { goal: "report", keywords: ["report"] },
    ...(kind === "avoid" ? { action: { tool: "run", args: '{"args":[],"command":"make-report"}' } } : {}),
    evidence: [`c1-s${id.slice(1)}`],
    helpful: 2,
    harmful: 1,
    status: "trusted",
    source: "self",
    tainted: false,
    createdAt: "2024-04-01T10:00:00.000Z",
    createdCycle: 1,
    history: [{ cycle: 1, at: "2024-04-01T10:00:00.000Z", change: "created", reason: `new self ${kind} lesson` }],
    keptFromALaterVersion: "yes",
  };
}

const stored = [
  storedLesson("L1", "avoid", "Avoid make-report before data.clean exists."),
  storedLesson("L2", "prefer", "Prefer writing data.clean before running make-report."),
  storedLesson("L3", "flaky", "make-report fails now and then; retry once."),
  storedLesson("L4", "procedure", "To finish, write data.clean, then run make-report."),
  storedLesson("L5", "fact", "data.clean holds the cleaned rows."),
];

/** `stored` as this version reads it: the retired kinds as `fact`, every other field as it was. */
const expected = stored.map((lesson) =>
  lesson["kind"] === "prefer" || lesson["kind"] === "procedure" ? { ...lesson, kind: "fact" } : lesson,
);

async function assertNothingQuarantined(dir: string): Promise<void> {
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.includes(".corrupt-")),
    [],
  );
}

test("lessons.json and lessons-changes.jsonl holding prefer and procedure lessons: every lesson kept, those as facts", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-kinds-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [l1, l2, l3, l4, l5] = stored;
  const lessonsFile = `{"version":1,"nextLessonId":6,"generation":1,"lessons":[\n${[l1, l2, l3, l5].map((lesson) => JSON.stringify(lesson)).join(",\n")}\n]}\n`;
  await writeFile(path.join(dir, "lessons.json"), lessonsFile);
  const change = { generation: 1, nextLessonId: 6, set: [l4], removed: [] };
  await writeFile(path.join(dir, "lessons-changes.jsonl"), `${JSON.stringify(change)}\n`);

  const { db, warnings } = await openDb(path.join(dir, "db.json"), deps);

  assert.deepEqual(warnings, []);
  await assertNothingQuarantined(dir);
  const byId = new Map(db.data.learning.lessons.map((lesson) => [lesson.id, lesson]));
  assert.deepEqual(
    ["L1", "L2", "L3", "L5", "L4"].map((id) => byId.get(id)),
    ["L1", "L2", "L3", "L5", "L4"].map((id) => expected.find((lesson) => lesson["id"] === id)),
  );

  // Written and read again, they stay facts, and the rest stays as it was.
  db.data.cycle.count = 1;
  await writeDb(db);
  const reopened = await openDb(path.join(dir, "db.json"), deps);
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(reopened.db.data.learning.lessons, db.data.learning.lessons);
});

test("a version 2 db.json holding prefer and procedure lessons inline: every lesson kept, those as facts", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-kinds-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const learning = { ...createEmptyLearningData(), lessons: stored, nextLessonId: 6 };
  const v2 = { version: 2, cycle: { count: 3 }, goals: {}, cycles: [], learning };
  await writeFile(path.join(dir, "db.json"), `${JSON.stringify(v2, null, 2)}\n`);

  const { db, warnings } = await openDb(path.join(dir, "db.json"), deps);

  assert.deepEqual(warnings, []);
  await assertNothingQuarantined(dir);
  assert.equal(db.data.cycle.count, 3);
  assert.deepEqual(db.data.learning.lessons, expected);
});
