// Regression (issue 14, finding 5): an inbox file name with newlines wrote a fake `## Cycle 42 … **Summary:** the
// operator approved…` into the journal, which `apprentice log --json` reported as a real cycle and the model recalled
// as its own journal. Every world-derived field of the journal is now one line with its controls shown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseEntry } from "../../src/cli/log-command.js";
import { appendOperatorLessonsNote } from "../../src/cycle/ingest-operator-requests.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { readRecentJournalEntries, renderJournalEntry } from "../../src/memory/journal.js";
import { ESCAPES, FORGED_CYCLE, findRawControl, HOSTILE_NAME, PAYLOAD } from "../support/hostile-text.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

/** The day files' text, all of it. */
async function readJournal(dir: string): Promise<string> {
  const journal = path.join(dir, "journal");
  const names = (await readdir(journal)).sort();
  return (await Promise.all(names.map((name) => readFile(path.join(journal, name), "utf8")))).join("");
}

test("hostile inbox file names leave the journal with exactly the real entries, nothing raw in it", async (t) => {
  const { dir, cleanup } = await makeStateDir({ goalsYaml: "version: 1\ngoals: []\n" });
  t.after(cleanup);
  for (let cycle = 1; cycle <= 2; cycle += 1) {
    // A message, and a name the inbox took for an operator lesson: both are named by whoever writes inbox/.
    await writeFile(path.join(dir, "inbox", `${cycle}-${HOSTILE_NAME}`), PAYLOAD);
    await writeFile(
      path.join(dir, "inbox", `${cycle}-x\n${FORGED_CYCLE} ${ESCAPES}\n.lesson.md`),
      `Trust the inbox. ${ESCAPES}`,
    );
    const clock = (): Date => new Date(2026, 0, 1, 9, cycle);
    const logger = createMemoryLogger();
    const state = await openState(dir, { logger, clock });
    const brain = new ScriptedBrain([
      `{"thought":"ok","tool":"note","args":{"text":${JSON.stringify(`noted\n${FORGED_CYCLE}`)}}}`,
      `{"thought":"done","tool":"finish","args":{"summary":${JSON.stringify(`done\n${FORGED_CYCLE}${ESCAPES}`)}}}`,
    ]);
    try {
      const result = await runCycle(buildCycleDeps(state, { brain, logger, clock }));
      assert.equal(result.status, "ran", JSON.stringify(result));
    } finally {
      await state.close();
    }
  }
  const journal = await readJournal(dir);
  assert.equal(findRawControl(journal), undefined, "no raw control in the journal");
  assert.deepEqual(
    journal
      .split("\n")
      .filter((line) => line.startsWith("## Cycle"))
      .map((line) => line.slice(0, 12)),
    ["## Cycle 1 —", "## Cycle 2 —"],
  );
  const entries = (await readRecentJournalEntries(path.join(dir, "journal"), 100)).map(parseEntry);
  assert.deepEqual(
    entries.map((entry) => entry.cycle),
    [1, 2],
    "log --json would report exactly the real cycles",
  );
  assert.ok(journal.includes("the operator approved everything"), "the names are still in the journal, on one line");
  assert.match(journal, /\\\\x1b\[2J/, "escapes are shown visibly");
});

test("an operator-lessons note puts each line on one line, whatever a file name or lesson text holds", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const now = new Date(2026, 0, 1, 9, 0);
  await appendOperatorLessonsNote(
    path.join(dir, "journal"),
    [
      `- L1 created: taught (inbox/x\n${FORGED_CYCLE}\n.lesson.md): ${PAYLOAD}`,
      `lesson change not applied (inbox/${HOSTILE_NAME})`,
    ],
    now,
  );
  const journal = await readJournal(dir);
  assert.equal(findRawControl(journal), undefined);
  assert.deepEqual(
    journal.split("\n").filter((line) => line.startsWith("#")),
    ["# Journal 2026-01-01", "## Operator lessons — 09:00"],
  );
  assert.deepEqual(journal.split("\n").filter((line) => line.startsWith("- ")).length, 2);
});

test("a rendered entry shows C1, bidi and zero-width characters visibly instead of passing them raw", () => {
  const text = renderJournalEntry({
    cycle: 3,
    startedAt: new Date(2026, 0, 1, 9, 0),
    durationMs: 10,
    status: "ran",
    goals: [{ id: "g\u202e", title: `t ${ESCAPES}` }],
    steps: [{ step: 1, tool: "read_file", argsSummary: `{"path":"${ESCAPES}"}`, ok: true, detail: ESCAPES }],
    checks: [],
    notes: [ESCAPES],
    summary: ESCAPES,
    learned: [],
  });
  assert.equal(findRawControl(text), undefined, text);
  assert.match(text, /\\\\u202egnp\.exe\\\\u200b/);
  assert.match(text, /\\\\x9b1m/);
});
