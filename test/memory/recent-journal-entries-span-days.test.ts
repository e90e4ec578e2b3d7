// readRecentJournalEntries returns the last N `## Cycle` sections across day files, newest last.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { appendJournalEntry, readRecentJournalEntries } from "../../src/memory/journal.js";
import type { JournalEntry } from "../../src/memory/journal.js";

function makeEntry(cycle: number, startedAt: Date): JournalEntry {
  return {
    cycle,
    startedAt,
    durationMs: 1000,
    status: cycle === 3 ? "skipped" : "ran",
    ...(cycle === 3 ? { reason: "too-hot" } : {}),
    goals: [],
    steps: [{ step: 1, tool: "run", argsSummary: `echo ${cycle}`, ok: true, detail: String(cycle) }],
    checks: [],
    notes: [],
    learned: [],
  };
}

test("entries from three days come back in order; the count limits from the newest end", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-journal-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const journalDir = path.join(dir, "journal");
  // Cycles 1–2 on May 1, 3 on May 2, 4–5 on May 10 (so a plain sort by name must be right).
  const days = [
    new Date(2024, 4, 1, 9),
    new Date(2024, 4, 1, 21),
    new Date(2024, 4, 2, 8),
    new Date(2024, 4, 10, 7),
    new Date(2024, 4, 10, 8),
  ];
  for (const [index, day] of days.entries()) await appendJournalEntry(journalDir, makeEntry(index + 1, day), () => day);
  await writeFile(path.join(journalDir, "notes.md"), "## Cycle 999 — not a day file\n");

  const cyclesOf = (entries: string[]): number[] => entries.map((entry) => Number(/^## Cycle (\d+) /.exec(entry)?.[1]));
  assert.deepEqual(cyclesOf(await readRecentJournalEntries(journalDir, 3)), [3, 4, 5]);
  assert.deepEqual(cyclesOf(await readRecentJournalEntries(journalDir, 50)), [1, 2, 3, 4, 5]);
  assert.deepEqual(await readRecentJournalEntries(journalDir, 0), []);
  assert.deepEqual(await readRecentJournalEntries(path.join(dir, "missing"), 3), []);

  const [third] = await readRecentJournalEntries(journalDir, 3);
  assert.ok(third?.startsWith("## Cycle 3 — 08:00 (skipped, 1.0 s)"));
  assert.ok(third?.includes("Reason: too-hot"));
  assert.ok(!third?.includes("# Journal"), "an entry never includes the next day's file heading");
  assert.ok(!third?.endsWith("\n"));

  const firstDay = await readFile(path.join(journalDir, "2024-05-01.md"), "utf8");
  assert.equal(firstDay.match(/^# Journal 2024-05-01$/gm)?.length, 1, "the day heading is written once");
  assert.equal(firstDay.match(/^## Cycle /gm)?.length, 2);
});
