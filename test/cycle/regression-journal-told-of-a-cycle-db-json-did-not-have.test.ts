// Regression (found by the crash-points property): a cycle's journal entry was appended before db.json recorded the
// cycle, so a crash in between left the journal saying "Cycle N (ran)" with no record of N in db.json, and a torn
// entry that was never repaired. Now db.json records the cycle with its journal entry pending, then the journal is
// appended; the next cycle completes an entry a crash cut off, and archives the inbox files the cycle read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { formatLocalDate } from "../../src/memory/journal.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const WRITE = '{"thought":"write","tool":"write_file","args":{"path":"notes.txt","content":"a note"}}';

test("db.json failing at a cycle's end leaves no journal entry claiming the cycle", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  const brain = new ScriptedBrain([WRITE]);
  const decide = brain.open.bind(brain);
  // While the cycle runs, db.json becomes a directory: the end-of-cycle write cannot land.
  brain.open = async (...args) => {
    await rm(path.join(dir, "db.json"), { force: true });
    await mkdir(path.join(dir, "db.json"));
    return decide(...args);
  };
  try {
    await assert.rejects(runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() })));
  } finally {
    await state.close();
  }
  const journal = await readFile(path.join(dir, "journal", `${formatLocalDate(new Date())}.md`), "utf8").catch(
    () => "",
  );
  assert.doesNotMatch(
    journal,
    /## Cycle 1 — \d\d:\d\d \((ran|failed)/,
    "the journal does not report a cycle db.json lacks",
  );
});

/** A state whose first cycle read inbox/hello.md and wrote a note; closed again, as after a stop. */
async function stateAfterOneCycle(t: {
  after: (fn: () => Promise<void>) => void;
}): Promise<{ dir: string; logger: ReturnType<typeof createMemoryLogger>; clock: () => Date }> {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hello.md": "Please write a note." } });
  t.after(cleanup);
  const logger = createMemoryLogger();
  const clock = (): Date => new Date();
  const state = await openState(dir, { logger, clock });
  try {
    assert.equal(
      (await runCycle(buildCycleDeps(state, { brain: new ScriptedBrain([WRITE]), logger, clock }))).status,
      "ran",
    );
  } finally {
    await state.close();
  }
  return { dir, logger, clock };
}

test("a journal entry torn by a crash after db.json recorded the cycle is completed by the next cycle, once", async (t) => {
  const { dir, logger, clock } = await stateAfterOneCycle(t);
  const db = await readDbData(path.join(dir, "db.json"));
  const pending = db.cycle.pendingJournal;
  assert.ok(pending !== undefined && pending.cycle === 1, "db.json carries cycle 1's journal entry");
  assert.deepEqual(
    pending.inbox.map((read) => [read.file, read.size]),
    [["hello.md", Buffer.byteLength("Please write a note.")]],
  );
  // Make it look like a crash in the middle of the journal append, before the inbox was archived.
  const dayFile = path.join(dir, "journal", `${pending.day}.md`);
  const whole = await readFile(dayFile, "utf8");
  const at = whole.indexOf(pending.text);
  await writeFile(dayFile, whole.slice(0, at + Math.floor(pending.text.length / 2)));
  await rename(path.join(dir, "inbox", ".processed", "c1-hello.md"), path.join(dir, "inbox", "hello.md"));

  const state = await openState(dir, { logger, clock });
  try {
    // Nothing is due (notes.txt does not meet the goal, but the brain finishes at once): the repair runs anyway.
    await runCycle(buildCycleDeps(state, { brain: new ScriptedBrain([]), logger, clock }));
  } finally {
    await state.close();
  }
  const repaired = await readFile(dayFile, "utf8");
  assert.equal(repaired.split(pending.text).length - 1, 1, "the entry is there whole, once");
  assert.equal((repaired.match(/## Cycle 1 — /g) ?? []).length, 1, "the torn half was cut off");
  assert.ok(
    logger.lines.some((line) =>
      /cycle 1 was recorded, but a crash cut off its end; completed now: journal entry replaced a torn copy, 1 inbox files archived/.test(
        line,
      ),
    ),
    logger.lines.join("\n"),
  );
  assert.deepEqual(
    await readdir(path.join(dir, "inbox")).then((names) => names.filter((name) => !name.startsWith("."))),
    [],
  );
  assert.ok((await readdir(path.join(dir, "inbox", ".processed"))).includes("c1-hello.md"));
});

test("a message of the same name dropped after the cycle (as after a rollback) is read as new, not archived as the old one", async (t) => {
  const { dir, logger, clock } = await stateAfterOneCycle(t);
  // db.json still names hello.md as cycle 1's message; a new hello.md (another size and mtime) arrives a moment later.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await writeFile(path.join(dir, "inbox", "hello.md"), "Please also list eggs.");
  const state = await openState(dir, { logger, clock });
  try {
    const second = await runCycle(buildCycleDeps(state, { brain: new ScriptedBrain([]), logger, clock }));
    assert.equal(second.status, "ran");
    const journal = await readFile(second.status === "ran" ? second.journalFile : "", "utf8");
    assert.match(journal.slice(journal.lastIndexOf("## Cycle 2")), /read inbox message hello\.md/);
  } finally {
    await state.close();
  }
  assert.deepEqual((await readdir(path.join(dir, "inbox", ".processed"))).sort(), ["c1-hello.md", "c2-hello.md"]);
});
