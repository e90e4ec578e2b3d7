// The model reads the journal as one compact line per cycle, in a window that grows at its end and moves its start once
// every few cycles; a journal too long for its budget loses its earlier page whole, so what is kept still repeats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { cutStartToTokens } from "../../src/brain/prompt-budget.js";
import { appendJournalEntry, renderJournalEntry, type JournalEntry } from "../../src/memory/journal.js";
import {
  journalEntryForPrompt,
  MAX_PROMPT_LINE_CHARS,
  readJournalWindow,
} from "../../src/memory/journal-for-prompt.js";

function makeEntry(cycle: number, overrides: Partial<JournalEntry> = {}): JournalEntry {
  return {
    cycle,
    startedAt: new Date(2026, 11, 7, 14, 5),
    durationMs: 2340,
    status: "ran",
    sensors: "CPU 48°C, RAM 600/900 MB free",
    tokens: "prompt 600 · evaluated 200",
    goals: [{ id: "tidy", title: "Tidy the workspace\n# Injected heading", verdict: "unmet" }],
    steps: [
      {
        step: 1,
        tool: "(invalid-output)",
        argsSummary: "{}",
        ok: false,
        detail: "invalid-output: output cut off at 256 tokens",
      },
      {
        step: 2,
        tool: "(invalid-output)",
        argsSummary: "{}",
        ok: false,
        detail: "invalid-output: output cut off at 256 tokens",
      },
      {
        step: 3,
        tool: "run",
        argsSummary: '{"command":"ls","args":["-la","--color=never"]}',
        ok: true,
        detail: "3 files",
      },
      { step: 4, tool: "finish", argsSummary: '{"summary":"done"}', ok: true, detail: "cycle finished" },
    ],
    checks: [{ goal: "tidy", passed: false, detail: "exit 1: 2 files left in the drop folder" }],
    notes: ["the drop folder fills up on Mondays"],
    summary: "0 of 1 goal met",
    learned: [],
    ...overrides,
  };
}

test("an entry reads as one line: number, time, status, goals, failed checks, then the steps", () => {
  const line = journalEntryForPrompt(renderJournalEntry(makeEntry(12)).trimEnd());
  assert.match(
    line,
    /^Cycle 12, 14:05, ran\. goals: tidy unmet\. failed checks: tidy — exit 1: 2 files left in the drop folder\. steps: /,
  );
  assert.ok(
    line.includes("✗ (invalid-output) — output cut off at 256 t… ×2; ✓ run "),
    "repeats are counted, not listed",
  );
  assert.ok(line.length <= MAX_PROMPT_LINE_CHARS, line);
  assert.doesNotMatch(line, /\n|Sensors|Tokens|2\.3 s/);
  const otherRun = renderJournalEntry(makeEntry(12, { durationMs: 9999, sensors: "CPU 70°C", tokens: "prompt 1" }));
  assert.equal(journalEntryForPrompt(otherRun.trimEnd()), line, "same cycle, other timing and sensors: same line");

  const skipped = journalEntryForPrompt(
    renderJournalEntry(makeEntry(13, { status: "skipped", reason: "too hot", steps: [] })),
  );
  assert.match(skipped, /^Cycle 13, 14:05, skipped\. Reason: too hot\. goals: tidy unmet\./);
  const long = makeEntry(14, {
    steps: Array.from({ length: 9 }, (_, index) => ({
      step: index + 1,
      tool: `tool${index}`,
      argsSummary: "{}",
      ok: true,
      detail: "x".repeat(80),
    })),
  });
  const clipped = journalEntryForPrompt(renderJournalEntry(long));
  assert.ok(clipped.length <= MAX_PROMPT_LINE_CHARS && clipped.endsWith("…"), clipped);
  assert.equal(journalEntryForPrompt("free\n\ntext"), "free text");
});

test("the window holds between N and 2N−1 entries and its start moves once every N cycles", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-journal-window-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const numbers = (entries: string[]) => entries.map((entry) => Number(/^## Cycle (\d+) /.exec(entry)?.[1]));
  const seen: Array<[number[], number[]]> = [];
  for (let cycle = 1; cycle <= 8; cycle++) {
    await appendJournalEntry(dir, makeEntry(cycle), () => new Date(2026, 11, 7, 14, cycle));
    const window = await readJournalWindow(dir, 3);
    seen.push([numbers(window.earlier), numbers(window.current)]);
  }
  assert.deepEqual(seen, [
    [[], [1]],
    [[], [1, 2]],
    [[], [1, 2, 3]],
    [[1, 2, 3], [4]],
    [
      [1, 2, 3],
      [4, 5],
    ],
    [[], [4, 5, 6]],
    [[4, 5, 6], [7]],
    [
      [4, 5, 6],
      [7, 8],
    ],
  ]);
  assert.deepEqual(await readJournalWindow(path.join(dir, "missing"), 3), { earlier: [], current: [] });
  assert.deepEqual(await readJournalWindow(dir, 0), { earlier: [], current: [] });
});

test("a journal over its budget loses its earlier page whole, then lines from the start, never its end", () => {
  const count = (text: string) => text.length;
  const text = "one\ntwo\n\nthree\nfour";
  assert.equal(cutStartToTokens(text, 100, count), text);
  assert.equal(cutStartToTokens(text, 10, count), "three\nfour", "the earlier page goes first, whole");
  assert.equal(cutStartToTokens(text, 5, count), "four", "then lines from the start");
  assert.equal(cutStartToTokens(text, 3, count), "", "a last line too long for the budget is cut to its beginning");
});
