import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import type { LogEntry } from "../../src/cli/log-command.js";
import { CycleEvents } from "../../src/events/cycle-events.js";
import { writeEventFeed } from "../../src/events/event-feed.js";
import { createMemoryLogger } from "../../src/log.js";
import { appendJournalEntry, type JournalEntry } from "../../src/memory/journal.js";
import { runCli, startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import { runCliJson, timeOf } from "./helpers/inspect-fixture.js";

function entry(cycle: number): JournalEntry {
  return {
    cycle,
    startedAt: timeOf(cycle),
    durationMs: 1500,
    status: "ran",
    goals: [{ id: "report", title: "Produce report.txt." }],
    steps: [{ step: 1, tool: "run", argsSummary: '{"command":"make-report"}', ok: true, detail: "ok" }],
    checks: [],
    notes: [],
    learned: [],
    summary: `summary of cycle ${cycle}`,
  };
}

async function writeEntries(dir: string, cycles: number[]): Promise<void> {
  for (const cycle of cycles) await appendJournalEntry(path.join(dir, "journal"), entry(cycle), () => timeOf(cycle));
}

test("log prints the last 3 entries by default and the last N with -n", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const empty = await runCliJson<LogEntry[]>(["log", "--state", dir, "--json"]);
  assert.deepEqual(empty, []);
  await writeEntries(dir, [1, 2, 3, 4, 5]);

  const recent = await runCliJson<LogEntry[]>(["log", "--state", dir, "--json"]);
  assert.deepEqual(
    recent.map((item) => [item.cycle, item.status]),
    [
      [3, "ran"],
      [4, "ran"],
      [5, "ran"],
    ],
  );
  assert.match(
    recent[2]?.text ?? "",
    /^## Cycle 5 — \d\d:\d\d \(ran, 1\.5 s\)[\s\S]*\*\*Summary:\*\* summary of cycle 5$/,
  );
  const one = await runCliJson<LogEntry[]>(["log", "-n", "1", "--state", dir, "--json"]);
  assert.deepEqual(
    one.map((item) => item.cycle),
    [5],
  );

  const text = await runCli(["log", "-n", "2", "--state", dir]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^## Cycle 4 [\s\S]*\n\n## Cycle 5 /);
  const bad = await runCli(["log", "-n", "0", "--state", dir]);
  assert.equal(bad.code, 2);
  assert.match(bad.output, /apprentice: -n must be a whole number from 1 to 1000, not "0"/);
});

test("log --follow prints each entry appended after it started, one JSON object per line, and ends cleanly on SIGINT", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  await writeEntries(dir, [1, 2]);
  const follow = startCli(["log", "-n", "1", "--follow", "--json", "--state", dir]);
  t.after(() => follow.child.kill("SIGKILL"));
  await follow.waitFor(/following the journal/);

  await writeEntries(dir, [3]);
  await follow.waitFor(/"cycle":3/, 10_000);
  await writeEntries(dir, [4]);
  await follow.waitFor(/"cycle":4/, 10_000);
  follow.child.kill("SIGINT");

  assert.equal(await follow.exited, 0);
  const printed = follow
    .stdout()
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as LogEntry);
  assert.deepEqual(
    printed.map((item) => item.cycle),
    [2, 3, 4],
    "the last entry, then each new one once",
  );
});

test("log --follow shows the running cycle's events on stderr as the cycle emits them, and none from before it started", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const events = new CycleEvents();
  writeEventFeed(events, dir, { logger: createMemoryLogger(), clock: () => new Date() });
  await events.emit({ type: "cycle-began", cycle: 6, startedAt: "2026-12-07T09:00:00.000Z" });
  const follow = startCli(["log", "--follow", "--json", "--state", dir]);
  t.after(() => follow.child.kill("SIGKILL"));
  await follow.waitFor(/following the journal/);

  await events.emit({ type: "cycle-began", cycle: 7, startedAt: "2026-12-07T10:00:00.000Z" });
  await events.emit({ type: "step-decided", cycle: 7, step: 1, goal: "report", tool: "run" });
  await follow.waitFor(/cycle 7: step 1: the model chose run for report/, 10_000);
  follow.child.kill("SIGINT");
  assert.equal(await follow.exited, 0);
  assert.match(follow.output(), /cycle 7: began/);
  assert.doesNotMatch(follow.output(), /cycle 6/, "events from before the follow are not shown");
  assert.equal(follow.stdout().trim(), "", "stdout keeps to journal entries (one JSON object each with --json)");
});
