// Issue 17, bug 7: `systemctl stop` in the middle of a cycle was recorded as "failed" in the journal, db.json and the
// history, although the daemon's log said "recorded as stopped". A cycle the daemon's stop (deps.signal) cuts short is
// now recorded as `stopped` everywhere; one its own deadline (limits.cycleTimeoutMs) cuts short is still a failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { listHistory } from "../../src/history/state-history.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { installCommands } from "../support/command-fixture.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const GOALS = "version: 1\ngoals:\n  - id: never\n    title: A goal no step meets.\n    check: test -f never.txt\n";
const RUN_SLOW = JSON.stringify({ thought: "wait", tool: "run", args: { command: "slow", args: [] } });

/** Runs one cycle whose first step is a 30 s command, cut short by `cut`; returns the result, db.json, journal, history. */
async function runCutCycle(
  t: { after: (fn: () => Promise<void>) => void },
  cut: "stop" | "deadline",
): Promise<{ result: Awaited<ReturnType<typeof runCycle>>; dir: string; journal: string; history: string[] }> {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: GOALS,
    config: { limits: { maxSteps: 3, stepTimeoutMs: 60_000, cycleTimeoutMs: cut === "deadline" ? 1500 : 60_000 } },
  });
  t.after(cleanup);
  await installCommands(dir, { slow: "sleep 30" });
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const stop = new AbortController();
  const timer = cut === "stop" ? setTimeout(() => stop.abort(new Error("stopped by SIGTERM")), 1500) : undefined;
  const result = await runCycle(
    buildCycleDeps(state, {
      brain: new ScriptedBrain([RUN_SLOW]),
      logger,
      clock: () => new Date(),
      signal: stop.signal,
    }),
  ).finally(() => clearTimeout(timer));
  const journalDir = path.join(dir, "journal");
  const days = (await readdir(journalDir)).filter((name) => name.endsWith(".md"));
  const journal = (await Promise.all(days.map((day) => readFile(path.join(journalDir, day), "utf8")))).join("\n");
  const history = (await listHistory(state.paths)).map((entry) => entry.subject);
  return { result, dir, journal, history };
}

test("a cycle the daemon's stop cuts short mid-step is recorded as stopped in the result, db.json, journal and history", async (t) => {
  const { result, dir, journal, history } = await runCutCycle(t, "stop");
  assert.equal(result.status, "stopped", JSON.stringify(result));
  assert.equal(result.status === "stopped" ? result.reason : "", "aborted: stopped by SIGTERM");
  const db = await readDbData(path.join(dir, "db.json"));
  const record = db.cycles.at(-1);
  assert.equal(record?.status, "stopped");
  assert.equal(record?.reason, "aborted: stopped by SIGTERM");
  assert.match(journal, /^## Cycle 1 — \d\d:\d\d \(stopped, \d+\.\d s\)$/m, journal);
  assert.doesNotMatch(journal, /\(failed/);
  assert.match(history[0] ?? "", /^Cycle 1 stopped in /, history.join("\n"));
});

test("a cycle its own deadline cuts short mid-step is still recorded as failed", async (t) => {
  const { result, dir, journal, history } = await runCutCycle(t, "deadline");
  assert.equal(result.status, "failed", JSON.stringify(result));
  assert.match(result.status === "failed" ? result.reason : "", /^aborted: /);
  const db = await readDbData(path.join(dir, "db.json"));
  assert.equal(db.cycles.at(-1)?.status, "failed");
  assert.match(journal, /^## Cycle 1 — \d\d:\d\d \(failed, \d+\.\d s\)$/m, journal);
  assert.match(history[0] ?? "", /^Cycle 1 failed in /, history.join("\n"));
});
