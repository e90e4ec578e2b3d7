import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { readDbData } from "../../src/memory/db.js";
import { createMemoryLogger } from "../../src/log.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState, runCliJson } from "./helpers/inspect-fixture.js";

test("with no daemon, teach stores the lesson pinned at once and notes it in lessons.md, the journal and the history", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const before = await readDbData(path.join(dir, "db.json"));

  const outcome = await runCliJson<{ status: string; id: string }>([
    "teach",
    "--state",
    dir,
    "--json",
    "Keep",
    "the",
    "list  sorted.",
  ]);

  assert.equal(outcome.status, "stored");
  const db = await readDbData(path.join(dir, "db.json"));
  assert.equal(db.learning.lessons.length, before.learning.lessons.length + 1);
  const lesson = db.learning.lessons.find((candidate) => candidate.id === outcome.id);
  assert.equal(lesson?.text, "Keep the list sorted.");
  assert.equal(lesson?.status, "pinned");
  assert.equal(lesson?.source, "operator");
  assert.deepEqual(lesson?.evidence, ["apprentice teach"]);
  assert.match(await readFile(path.join(dir, "lessons.md"), "utf8"), /Keep the list sorted\./);
  const journal = await readdir(path.join(dir, "journal"));
  const texts = await Promise.all(journal.map((name) => readFile(path.join(dir, "journal", name), "utf8")));
  assert.ok(
    texts.some((text) =>
      text.includes(`${outcome.id} created: taught by the operator (apprentice teach): Keep the list sorted.`),
    ),
  );
  assert.deepEqual(
    (await readdir(path.join(dir, "operator"))).filter((name) => name.endsWith(".lesson.md")),
    [],
    "nothing left queued",
  );
  const history = await runCliJson<Array<{ event: string; subject: string }>>(["history", "--state", dir, "--json"]);
  assert.deepEqual(history[0], { ...history[0], event: "operator", subject: "Operator: taught a lesson" });
});

test("while a daemon holds the lock, teach queues the lesson in operator/ as a 0600 file of this user and leaves db.json alone", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.ok(lock.ok);
  t.after(() => lock.release());
  const dbBefore = await readFile(path.join(dir, "db.json"), "utf8");

  const result = await runCli(["teach", "--state", dir, "Back up before deleting."]);

  assert.equal(result.code, 0, result.output);
  assert.match(result.stdout, /The daemon holds the state dir, so the lesson was queued as .*operator\/.*\.lesson\.md/);
  const queued = (await readdir(path.join(dir, "operator"))).filter((name) => name.endsWith(".lesson.md"));
  assert.equal(queued.length, 1);
  const file = path.join(dir, "operator", queued[0] ?? "");
  assert.equal(await readFile(file, "utf8"), "Back up before deleting.\n");
  const info = await stat(file);
  assert.equal(info.mode & 0o777, 0o600);
  assert.equal(info.uid, process.geteuid?.());
  assert.deepEqual(
    (await readdir(path.join(dir, "inbox"))).filter((name) => !name.startsWith(".")),
    [],
    "nothing goes to the inbox",
  );
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), dbBefore);
});

test("teach and tell refuse empty text and a dir that is not a state dir, with exit 2 and no stack", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const empty = await runCli(["teach", "--state", dir, "   "]);
  assert.equal(empty.code, 2);
  assert.match(empty.output, /the text must be 1 to 4000 characters/);
  const missing = await runCli(["tell", "--state", path.join(dir, "nope"), "hello"]);
  assert.equal(missing.code, 2);
  assert.match(missing.output, /is not a state dir\. Create one with `apprentice init/);
  assert.doesNotMatch(missing.output, /^\s+at /m);
});
