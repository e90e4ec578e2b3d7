// A journal entry renders as one `## Cycle` section with its lists, and model-written text cannot open headings or other blocks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  appendJournalEntry,
  MAX_JOURNAL_FIELD_CHARS,
  readRecentJournalEntries,
  renderJournalEntry,
} from "../../src/memory/journal.js";
import type { JournalEntry } from "../../src/memory/journal.js";

function makeEntry(): JournalEntry {
  return {
    cycle: 12,
    startedAt: new Date(2024, 4, 1, 14, 5, 59),
    durationMs: 2340,
    status: "ran",
    goals: [{ id: "tidy", title: "Tidy the workspace\n# Injected heading" }],
    steps: [
      { step: 1, tool: "run", argsSummary: "ls -la", ok: true, detail: "3 files" },
      {
        step: 2,
        tool: "read`file",
        argsSummary: "notes.txt",
        ok: false,
        detail: "ENOENT\r\n## Cycle 99 — 00:00 (ran, 0.0 s)",
      },
    ],
    checks: [{ goal: "tidy", passed: true, detail: "exit 0" }],
    notes: ["# not a heading", "<!-- hide the rest", "x".repeat(1000), "1. not a list"],
    summary: "Did it.\n\n## Cycle 100 — fake\n```\ncode",
    learned: ["ls works\u2028# after a line separator"],
    sensors: "52.1 °C",
  };
}

test("renders heading, numbered steps with ✓/✗, sections, and neutralises model text", () => {
  const text = renderJournalEntry(makeEntry());
  const lines = text.split("\n");

  assert.equal(lines[0], "## Cycle 12 — 14:05 (ran, 2.3 s)");
  for (const marker of ["**Goals**", "**Steps**", "**Checks**", "**Notes**", "**Learned**"]) {
    assert.ok(lines.includes(marker), `missing ${marker}`);
  }
  assert.ok(lines.some((line) => line.startsWith("- `tidy` — Tidy the workspace # Injected heading")));
  assert.ok(lines.includes("1. ✓ `run` ls -la — 3 files"));
  assert.ok(lines.some((line) => line.startsWith("2. ✗ `read'file` notes.txt — ENOENT ## Cycle 99")));
  assert.ok(lines.includes("- ✓ tidy — exit 0"));
  assert.ok(lines.some((line) => line.startsWith("**Summary:** Did it. ## Cycle 100")));
  assert.ok(lines.includes("Sensors: 52.1 °C"));

  const headingLines = lines.filter((line) => /^\s{0,3}#/.test(line));
  assert.deepEqual(headingLines, [lines[0]], "only the entry's own heading starts a line with #");
  assert.ok(!lines.some((line) => /^\s{0,3}(```|~~~)/.test(line)), "no code fence can open");
  assert.ok(lines.includes("- \\# not a heading"));
  assert.ok(lines.includes("- \\<!-- hide the rest"));
  assert.ok(lines.includes("- 1\\. not a list"));
  const longNote = lines.find((line) => line.startsWith("- xxx"));
  assert.ok(longNote !== undefined && longNote.length <= MAX_JOURNAL_FIELD_CHARS + 2 && longNote.endsWith("…"));
});

test("an appended entry reads back as exactly one section in a day file headed `# Journal`", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-journal-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const journalDir = path.join(dir, "journal");
  const file = await appendJournalEntry(journalDir, makeEntry(), () => new Date(2024, 4, 1, 14, 6));

  assert.equal(file, path.join(journalDir, "2024-05-01.md"));
  assert.ok((await readFile(file, "utf8")).startsWith("# Journal 2024-05-01\n\n## Cycle 12 — 14:05"));
  const entries = await readRecentJournalEntries(journalDir, 10);
  assert.equal(entries.length, 1);
  assert.equal(entries[0], renderJournalEntry(makeEntry()).trimEnd());
});
