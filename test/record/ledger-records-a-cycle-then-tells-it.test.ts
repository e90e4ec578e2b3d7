// The ledger writes a cycle's records in the crash-safe order: the marker at begin, the steps as they happen, then at
// finish db.json with the record and its journal entry pending, then the journal and the inbox archive. A finish whose
// db write fails tells nothing: no journal entry, no message archived.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState, type OpenState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { formatLocalDate } from "../../src/memory/journal.js";
import type { CycleOutcome } from "../../src/record/cycle-outcome.js";
import { CycleLedger } from "../../src/record/ledger.js";
import type { StepRecord } from "../../src/cycle/act-loop.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const STEP: StepRecord = { step: 1, tool: "note", args: { text: "hello" }, ok: true, output: "noted", durationMs: 3 };

async function openLedger(
  dir: string,
): Promise<{ state: OpenState; ledger: CycleLedger; logger: ReturnType<typeof createMemoryLogger> }> {
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  return {
    state,
    logger,
    ledger: new CycleLedger(buildCycleDeps(state, { brain: new ScriptedBrain([]), logger, clock: () => new Date() })),
  };
}

function outcomeOf(cycle: number, startedAt: Date): CycleOutcome {
  return {
    cycle,
    startedAt,
    durationMs: 1200,
    due: [],
    verdicts: [],
    summary: "wrote a note",
    steps: [STEP],
    checks: [],
    notes: ["a note of the model"],
    inbox: [{ file: "hello.md", text: "Please write a note.", truncated: false, warnings: [] }],
    learned: [],
    sensors: { at: startedAt.toISOString(), availableRamMB: 900, totalRamMB: 2000, cpuTempC: 51 },
    resources: { contextSize: 2048, threads: 4, neededRamMB: 300 },
  };
}

test("the ledger marks a cycle at begin, appends its steps, and at finish records it, then journals it and archives its inbox", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hello.md": "Please write a note." } });
  t.after(cleanup);
  const { state, ledger } = await openLedger(dir);
  try {
    const startedAt = new Date();
    const cycle = await ledger.begin(startedAt);
    assert.equal(cycle, 1);
    const marker = JSON.parse(await readFile(path.join(dir, "cycle.json"), "utf8")) as {
      inProgress?: { cycle: number };
    };
    assert.equal(marker.inProgress?.cycle, 1, "cycle.json marks cycle 1 in progress");
    assert.equal(
      (await readDbData(path.join(dir, "db.json"))).cycles.length,
      0,
      "db.json has no record before the end",
    );

    await ledger.recordStep(cycle, STEP);
    const episodes = await readFile(path.join(dir, "episodes.jsonl"), "utf8");
    assert.match(episodes, /"id":"c1s1"/, "the step is in episodes.jsonl as it happens");

    const { journalFile } = await ledger.finish(outcomeOf(cycle, startedAt), new Date().toISOString());
    const db = await readDbData(path.join(dir, "db.json"));
    assert.deepEqual(
      db.cycles.map((record) => [record.cycle, record.status, record.steps, record.summary]),
      [[1, "ran", 1, "wrote a note"]],
    );
    assert.equal(db.cycle.count, 1);
    assert.equal(db.cycle.inProgress, undefined, "the marker is gone");
    assert.equal(existsSync(path.join(dir, "cycle.json")), false);
    assert.equal(db.cycle.pendingJournal?.cycle, 1, "db.json was written with the entry pending, before the journal");
    assert.equal(journalFile, path.join(dir, "journal", `${formatLocalDate(new Date())}.md`));
    const journal = await readFile(journalFile, "utf8");
    assert.ok(journal.includes(db.cycle.pendingJournal?.text ?? "(none)"), "the journal holds the pending entry whole");
    assert.match(journal, /read inbox message hello\.md/);
    assert.equal(existsSync(path.join(dir, "inbox", "hello.md")), false, "the message read is archived");
    assert.equal(existsSync(path.join(dir, "inbox", ".processed", "c1-hello.md")), true);
  } finally {
    await state.close();
  }
});

test("a finish whose db.json write fails appends no journal entry and archives no message", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hello.md": "Please write a note." } });
  t.after(cleanup);
  const { state, ledger } = await openLedger(dir);
  try {
    const startedAt = new Date();
    const cycle = await ledger.begin(startedAt);
    await rm(path.join(dir, "db.json"), { force: true });
    await mkdir(path.join(dir, "db.json"));
    await assert.rejects(ledger.finish(outcomeOf(cycle, startedAt), new Date().toISOString()));
  } finally {
    await state.close();
  }
  const journal = await readFile(path.join(dir, "journal", `${formatLocalDate(new Date())}.md`), "utf8").catch(
    () => "",
  );
  assert.doesNotMatch(journal, /## Cycle 1 — /, "the journal does not tell of a cycle db.json lacks");
  assert.equal(existsSync(path.join(dir, "inbox", "hello.md")), true, "the message stays to be read again");
});
