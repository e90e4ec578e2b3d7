// Crash points: `apprentice once` on the test model is killed (SIGKILL, by the APPRENTICE_CRASH_POINT hook in
// durable-write) at its 1st, 2nd, 3rd … write boundary in turn: a temp file written but not synced, synced but not
// renamed, renamed before its directory is synced, half an append, an append not yet synced. When a run gets past
// its last boundary the cycle completed, and the count starts again on the state as it now is, so the boundaries of
// recovery (repairing a torn line, recording an interrupted cycle) are crashed in too. After every crash the state
// must pass the same checks as crash-kills, the next run must not print a stack trace, and at the end a normal run
// completes a cycle.
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import { checkState } from "./crash-kills.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";

const FULL_CRASHES = 120;
const QUICK_CRASHES = 8;

export const property: ReliabilityProperty = {
  name: "crash-points",
  async run({ quick }): Promise<PropertyResult> {
    const crashes = quick ? QUICK_CRASHES : FULL_CRASHES;
    const { dir, cleanup } = await makeStateDir({
      goalsYaml:
        "version: 1\ngoals:\n  - id: notes\n    title: Keep notes.txt with one line per visit.\n    check: grep -q visit-999 notes.txt\n",
      config: {
        limits: { maxSteps: 2, stepTimeoutMs: 20_000, cycleTimeoutMs: 60_000 },
        model: { maxTokensPerStep: 64, temperature: 1 },
        learning: { consolidateEveryCycles: 2 },
      },
    });
    const failures: string[] = [];
    const seen = new Map<number, Set<string>>();
    const kinds = new Map<string, number>();
    let crashed = 0;
    let completedRuns = 0;
    try {
      for (let point = 1; crashed < crashes && failures.length === 0;) {
        const run = await runCli(["once", "--state", dir], {
          APPRENTICE_LOG: "info",
          APPRENTICE_CRASH_POINT: String(point),
        });
        const hit = /apprentice: crash point \d+: (.+)/.exec(run.output);
        const trace = /\n\s+at .+:\d+:\d+\)?\n/.test(run.output);
        if (trace) failures.push(`run with crash point ${point}: a stack trace:\n${run.output.slice(-800)}`);
        if (hit !== null) {
          if (run.code !== "SIGKILL")
            failures.push(`crash point ${point} was reached but the run ended with ${String(run.code)}`);
          crashed += 1;
          const kind = (hit[1] ?? "").replace(/^journal \S+/, "journal").replace(/\.[0-9a-f]{8}\.tmp/, "");
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
          point += 1;
        } else {
          // Past its last boundary: the run finished. Any exit but 0 (ran or skipped) is a failure of its own.
          if (run.code !== 0)
            failures.push(
              `run with crash point ${point} (no crash) exited ${String(run.code)}:\n${run.output.slice(-800)}`,
            );
          completedRuns += 1;
          point = 1;
        }
        const check = await checkState(dir, seen);
        failures.push(
          ...check.failures.map(
            (failure) =>
              `after crash point ${point - (hit !== null ? 1 : 0)}${hit !== null ? ` (${hit[1]})` : ""}: ${failure}`,
          ),
        );
      }
      if (failures.length === 0) {
        const last = await runCli(["once", "--state", dir], { APPRENTICE_LOG: "info" });
        if (last.code !== 0)
          failures.push(`the last normal run exited ${String(last.code)}:\n${last.output.slice(-800)}`);
        const check = await checkState(dir, seen);
        failures.push(...check.failures.map((failure) => `after the last normal run: ${failure}`));
      }
    } finally {
      await cleanup();
    }
    const top = [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${count}× ${kind}`);
    return {
      ok: failures.length === 0,
      figures: `${crashed} crashes at write boundaries (${kinds.size} kinds), ${completedRuns} runs past their last boundary, ${failures.length} lost or corrupt records; ${top.slice(0, 6).join(", ")}${top.length > 6 ? ", …" : ""}`,
      failures,
    };
  },
};
