// The goal's check runs at the start of a cycle and again at its end only when a step could have changed the
// workspace (a run, write or append was executed); after read-only steps the first result stands, which saves a fork
// of the daemon per cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

async function checkLines(dir: string): Promise<number> {
  const text = await readFile(path.join(dir, "episodes.jsonl"), "utf8");
  return text.split("\n").filter((line) => line.includes('"kind":"check"')).length;
}

test("read-only steps reuse the first check; a write makes the check run again", async (t) => {
  const { dir, cleanup } = await makeStateDir({ workspace: { "notes.txt": "eggs\n" } });
  t.after(cleanup);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  try {
    const look = new ScriptedBrain([
      '{"thought":"look","tool":"list_dir","args":{"path":"."}}',
      '{"thought":"read","tool":"read_file","args":{"path":"notes.txt"}}',
    ]);
    const first = await runCycle(buildCycleDeps(state, { brain: look, logger, clock: () => new Date() }));
    assert.equal(first.status, "ran");
    assert.deepEqual(first.status === "ran" ? first.checks : [], [{ goal: "shopping-list", passed: false }]);
    assert.equal(await checkLines(dir), 1, "one check: the first one stands");
    const journal = await readFile(first.status === "ran" ? first.journalFile : "", "utf8");
    assert.match(journal, /no step changed the workspace since the first check/);

    const write = new ScriptedBrain([
      '{"thought":"write","tool":"write_file","args":{"path":"shopping.txt","content":"milk\\n"}}',
    ]);
    const second = await runCycle(buildCycleDeps(state, { brain: write, logger, clock: () => new Date() }));
    assert.deepEqual(
      second.status === "ran" ? second.checks : [],
      [{ goal: "shopping-list", passed: true }],
      "the write met the goal, and the check saw it",
    );
    assert.equal(await checkLines(dir), 3, "the second cycle checked before and after");
  } finally {
    await state.close();
  }
});
