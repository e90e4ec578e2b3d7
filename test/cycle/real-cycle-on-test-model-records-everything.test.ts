import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { runCycle, type CycleProgress } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { makeStateDir } from "../support/state-fixture.js";
import { readDbData } from "../../src/memory/db.js";

test("a real node-llama-cpp cycle on the written GGUF acts, checks, journals, logs episodes and unloads", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hello.md": "Please start the list." } });
  t.after(cleanup);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  const events: CycleProgress[] = [];
  try {
    const brain = new LlamaBrain(logger);
    const result = await runCycle(
      buildCycleDeps(state, { brain, logger, clock: () => new Date(), onProgress: (event) => events.push(event) }),
    );
    assert.ok(result.status === "ran", JSON.stringify(result));
    assert.equal(result.cycle, 1);
    assert.ok(result.steps >= 1 && result.steps <= 3);
    assert.deepEqual(result.checks, [{ goal: "shopping-list", passed: false }]);

    // The model was loaded once and unloaded at the end of the cycle.
    assert.equal(events.filter((event) => event.kind === "model-loaded").length, 1);
    assert.equal(events.at(-1)?.kind, "model-unloaded");

    const episodes = (await readFile(path.join(dir, "episodes.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = episodes.filter((episode) => episode.kind === "step");
    assert.equal(steps.length, result.steps);
    for (const step of steps) {
      assert.equal(step.cycle, 1);
      assert.equal(typeof step.ok, "boolean");
      assert.equal(typeof step.durationMs, "number");
      // A decision that validated names an offered tool; one that did not keeps the raw output.
      if (step.invalidOutput) assert.equal(typeof step.raw, "string");
      else
        assert.match(
          String(step.tool),
          /^(finish|list_dir|read_file|write_file|append_file|run|sense|note|message_operator)$/,
        );
    }
    assert.ok(episodes.some((episode) => episode.kind === "check" && episode.goal === "shopping-list"));

    const db = await readDbData(path.join(dir, "db.json"));
    assert.equal(db.cycle.count, 1);
    assert.equal(db.cycle.inProgress, undefined);
    assert.equal(db.goals["shopping-list"]?.lastCheckPassed, false);
    assert.equal(db.cycles.length, 1);
    assert.equal(db.cycles[0]?.status, "ran");

    const journal = await readFile(result.journalFile, "utf8");
    assert.match(journal, /## Cycle 1/);
    assert.match(journal, /shopping-list/);

    // The inbox message was taken in and archived, not deleted.
    assert.deepEqual(await readdir(path.join(dir, "inbox", ".processed")), ["c1-hello.md"]);
  } finally {
    await state.close();
  }
});
