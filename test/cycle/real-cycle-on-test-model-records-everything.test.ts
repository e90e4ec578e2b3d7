import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { CycleEvents, type CycleEvent } from "../../src/events/cycle-events.js";
import { createMemoryLogger } from "../../src/log.js";
import { makeStateDir } from "../support/state-fixture.js";
import { readDbData } from "../../src/memory/db.js";

test("a real node-llama-cpp cycle on the written GGUF acts, checks, journals, logs episodes and unloads", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hello.md": "Please start the list." } });
  t.after(cleanup);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  const events: CycleEvent[] = [];
  const stream = new CycleEvents();
  stream.subscribe((event) => void events.push(event));
  try {
    const brain = new LlamaBrain(logger);
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date(), events: stream }));
    assert.ok(result.status === "ran", JSON.stringify(result));
    assert.equal(result.cycle, 1);
    assert.ok(result.steps >= 1 && result.steps <= 3);
    assert.deepEqual(result.checks, [{ goal: "shopping-list", passed: false }]);

    // The events tell the cycle in order: the goal's pre-check (before the cycle has its number), the cycle began, the
    // model loaded once, each step was done, the model unloaded, and the cycle was recorded last.
    const types = events.map((event) => event.type);
    const began = types.indexOf("cycle-began");
    assert.deepEqual(
      events
        .slice(0, began)
        .map((event) => [
          event.type,
          "cycle" in event ? event.cycle : undefined,
          event.type === "check-done" && event.beforeCycle,
        ]),
      [["check-done", 0, true]],
    );
    assert.ok(began < types.indexOf("model-loaded"));
    assert.equal(types.filter((type) => type === "model-loaded").length, 1);
    assert.ok(types.indexOf("model-loaded") < types.indexOf("tool-done"));
    assert.equal(types.filter((type) => type === "tool-done").length, result.steps);
    assert.ok(types.lastIndexOf("tool-done") < types.indexOf("model-unloaded"));
    assert.equal(types.at(-1), "cycle-recorded");
    assert.equal(stream.listenerCount, 1, "the cycle's ledger unsubscribed at its end");

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
    // The ledger wrote an episode for every step and check event, and for nothing else.
    assert.equal(
      episodes.filter((episode) => episode.kind === "check").length,
      types.filter((type) => type === "check-done").length,
    );

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
