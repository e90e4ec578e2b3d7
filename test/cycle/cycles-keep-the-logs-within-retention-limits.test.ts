// With tiny retention limits, 40 real cycles keep episodes.jsonl under its limit (cited episodes kept), drop journal
// days past journalDays, and prune the history to about keepEntries, without costing any cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { citedEpisodeIds, historyPruneInterval } from "../../src/cycle/apply-retention.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { listHistory } from "../../src/history/state-history.js";
import { createMemoryLogger } from "../../src/log.js";
import { readEpisodes } from "../../src/memory/episodes.js";
import { citingNothing, ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const CYCLES = 40;
const KEEP_ENTRIES = 10;
const EPISODES_MAX_BYTES = 0.05 * 1024 * 1024;

test("40 cycles with tiny limits: episodes, journal and history stay bounded", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: "version: 1\ngoals:\n  - id: never\n    title: Make never.txt.\n    check: test -f never.txt\n",
    config: {
      retention: { episodesMaxMB: 0.05, journalMaxMB: 1, journalDays: 30 },
      history: { keepEntries: KEEP_ENTRIES },
      limits: { maxSteps: 2 },
    },
    workspace: { "big.txt": `${"z".repeat(3000)}\n` },
  });
  t.after(cleanup);
  await writeFile(path.join(dir, "journal", "2024-01-01.md"), "# Journal 2024-01-01\n\n## Cycle 0\nlong ago\n");
  const step = citingNothing({ thought: "look", tool: "run", args: { command: "cat", args: ["big.txt"] } });
  const done = citingNothing({ thought: "done", tool: "finish", args: { summary: "looked" } });
  const brain = new ScriptedBrain(Array.from({ length: CYCLES }, () => [step, done]).flat());
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  let largestEpisodes = 0;
  try {
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
      assert.equal(result.status, "ran", `cycle ${cycle}: ${JSON.stringify(result)}`);
      largestEpisodes = Math.max(largestEpisodes, (await stat(path.join(dir, "episodes.jsonl"))).size);
    }
    // After a cycle the log is within its limit; it may pass it only by that cycle's own lines.
    assert.ok(largestEpisodes <= EPISODES_MAX_BYTES + 16_384, `episodes.jsonl reached ${largestEpisodes} bytes`);
    const cuts = logger.lines.filter((line) => line.includes("retention: episodes.jsonl cut"));
    assert.ok(cuts.length >= 1, "the log was cut at least once");
    const { records } = await readEpisodes(path.join(dir, "episodes.jsonl"));
    const present = new Set(records.map((record) => record.id));
    for (const id of citedEpisodeIds(state.db.data.learning)) {
      if (/^c\d+s\d+$/.test(id)) assert.ok(present.has(id), `cited episode ${id} is kept`);
    }
    assert.equal(records.at(-1)?.cycle, CYCLES, "the newest episodes are there");

    assert.ok(!(await readdir(path.join(dir, "journal"))).includes("2024-01-01.md"), "a day past journalDays is gone");
    assert.ok(
      logger.lines.some((line) => line.includes("retention: journal: removed 1 old day files (2024-01-01.md)")),
    );

    const entries = await listHistory(state.paths);
    assert.ok(existsSync(path.join(dir, ".history", "shallow")), "the history was pruned");
    assert.ok(
      entries.length <= Math.floor(KEEP_ENTRIES * 1.5) + historyPruneInterval(KEEP_ENTRIES),
      `${entries.length} history entries`,
    );
    assert.equal(entries[0]?.cycle, CYCLES);
    assert.ok(
      !logger.lines.some((line) => line.startsWith("warn ") && /retention|history/.test(line)),
      logger.lines.filter((line) => line.startsWith("warn")).join("\n"),
    );
  } finally {
    await state.close();
  }
});
