import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { LessonOpOutcome } from "../../src/cli/lessons-command.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState, readDbFile, runCliJson } from "./helpers/inspect-fixture.js";

async function readJournal(dir: string): Promise<string> {
  const names = await readdir(path.join(dir, "journal"));
  return (await Promise.all(names.map((name) => readFile(path.join(dir, "journal", name), "utf8")))).join("\n");
}

test("with no daemon, lessons pin, retire and forget change db.json, re-render lessons.md and note each in the journal", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);

  const pin = await runCli(["lessons", "pin", "L2", "--state", dir]);
  assert.equal(pin.code, 0, pin.output);
  assert.match(pin.stdout, /L2 pinned: pinned by the operator \(was provisional\)/);
  const retired = await runCliJson<LessonOpOutcome>(["lessons", "retire", "L1", "--state", dir, "--json"]);
  assert.deepEqual(retired, {
    status: "applied",
    op: "retire",
    id: "L1",
    change: "retired",
    reason: "retired by the operator",
  });
  const forgotten = await runCliJson<LessonOpOutcome>(["lessons", "forget", "L4", "--state", dir, "--json"]);
  assert.equal(forgotten.status, "applied");

  const db = await readDbFile(dir);
  const byId = new Map(db.learning.lessons.map((lesson) => [lesson.id, lesson]));
  assert.equal(byId.get("L2")?.status, "pinned");
  assert.deepEqual(byId.get("L2")?.history.at(-1), {
    cycle: 3,
    at: byId.get("L2")?.history.at(-1)?.at,
    change: "pinned",
    reason: "pinned by the operator (was provisional)",
  });
  assert.equal(byId.get("L1")?.status, "retired");
  assert.equal(byId.get("L1")?.history.at(-1)?.reason, "retired by the operator");
  assert.equal(byId.has("L4"), false, "forget deletes the lesson");
  assert.equal(db.learning.nextLessonId, 5, "ids are never reused");

  const lessonsMd = await readFile(path.join(dir, "lessons.md"), "utf8");
  assert.match(lessonsMd, /## Trusted and pinned\n\n### L2 · fact · pinned/);
  assert.match(
    lessonsMd,
    /## Retired \(latest \d+\)\n\n### L1 · avoid · retired[\s\S]*retired: retired by the operator/,
  );
  assert.doesNotMatch(lessonsMd, /### L4/);

  const journal = await readJournal(dir);
  assert.match(
    journal,
    /## Operator lessons — \d\d:\d\d\n\n- L2 pinned: pinned by the operator \(was provisional\) \(apprentice lessons pin\)/,
  );
  assert.match(journal, /- L1 retired: retired by the operator \(apprentice lessons retire\)/);
  assert.match(
    journal,
    /- L4 forgotten: forgotten by the operator \(was retired: Old advice\.\) \(apprentice lessons forget\)/,
  );

  await assert.rejects(stat(path.join(dir, "daemon.lock")), /ENOENT/, "the lock taken for the change is released");
  assert.deepEqual(
    (await readdir(path.join(dir, "operator"))).filter((name) => name.endsWith(".lesson-op.json")),
    [],
    "nothing was queued",
  );
});

test("pinning a lesson that is already pinned changes nothing and says so", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const before = await readFile(path.join(dir, "db.json"), "utf8");

  const outcome = await runCliJson<LessonOpOutcome>(["lessons", "pin", "L3", "--state", dir, "--json"]);

  assert.deepEqual(outcome, { status: "unchanged", op: "pin", id: "L3", reason: "L3 is already pinned" });
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), before);
});
