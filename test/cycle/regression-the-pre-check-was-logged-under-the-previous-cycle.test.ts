// Issue 17, bug 8: the goal check a cycle runs before it gets its number was logged as "cycle N: check of …" with the
// previous cycle's N, so the daemon's log read as if the last cycle had run it again. Its progress line, which the
// daemon logs, `once` and `demo` print and `log --follow` shows, now says "before a cycle".
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProgress, progressEvents } from "../../src/cli/format-cycle.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const GOALS = "version: 1\ngoals:\n  - id: never\n    title: A goal no step meets.\n    check: test -f never.txt\n";

test("a second cycle's pre-check is logged as before a cycle, not under cycle 1", async (t) => {
  const { dir, cleanup } = await makeStateDir({ goalsYaml: GOALS });
  t.after(cleanup);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const cycle = async (lines: string[]) =>
    runCycle(
      buildCycleDeps(state, {
        brain: new ScriptedBrain([]),
        logger,
        clock: () => new Date(),
        events: progressEvents((line) => lines.push(line)),
      }),
    );
  const first = await cycle([]);
  assert.equal(first.status, "ran", JSON.stringify(first));

  const lines: string[] = [];
  const second = await cycle(lines);
  assert.equal(second.status === "ran" ? second.cycle : undefined, 2, JSON.stringify(second));
  // The end's check is not run again here: no step changed the workspace, so the pre-check's verdict stands.
  const checks = lines.filter((line) => line.includes("check of never"));
  assert.deepEqual(checks, ["before a cycle: check of never failed (exit 1)"], lines.join("\n"));
  assert.ok(!lines.some((line) => line.startsWith("cycle 1")), lines.join("\n"));
});

test("a check event marked beforeCycle never names the cycle number it carries", () => {
  const line = formatProgress({
    type: "check-done",
    cycle: 7,
    beforeCycle: true,
    goal: "g",
    command: "true",
    result: { passed: true, exitDescription: "exit 0", output: "", durationMs: 1 },
    detail: "exit 0",
  });
  assert.equal(line, "before a cycle: check of g passed");
});
