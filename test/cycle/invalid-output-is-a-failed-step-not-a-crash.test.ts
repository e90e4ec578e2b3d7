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
import { readDbData } from "../../src/memory/db.js";

test("garbage, an unknown tool and a failing tool are recorded as failed steps; outcomes are fed back; the check judges and ends the turn", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { limits: { maxSteps: 6 } } });
  t.after(cleanup);
  const brain = new ScriptedBrain([
    "{not json",
    '{"thought":"x","tool":"rm_rf","args":{}}',
    '{"thought":"read it","tool":"run","args":{"command":"cat","args":["missing.txt"]}}',
    '{"thought":"draft","tool":"write_file","args":{"path":"draft.txt","content":"milk?\\n"}}',
    '{"thought":"write","tool":"write_file","args":{"path":"shopping.txt","content":"milk\\neggs\\n"}}',
    // Never read: the goal's check passes after the write, which ends the model's turn.
    '{"thought":"done","tool":"finish","args":{"summary":"list written"}}',
  ]);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  try {
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
    assert.ok(result.status === "ran", JSON.stringify(result));
    assert.equal(result.steps, 5);
    assert.equal(result.failedSteps, 3);
    assert.equal(result.summary, "1 of 1 goal met", "the world's verdict; the model never had to call finish");
    assert.deepEqual(
      result.checks,
      [{ goal: "shopping-list", passed: true }],
      "the world's check, not the model, says it is met",
    );
    assert.equal(brain.opened, 1);
    assert.equal(brain.disposed, 1, "the session is disposed at the end of the cycle");

    // Each failure reached the model as the next request.
    const requests = brain.prompts.map((prompt) => prompt.request);
    assert.match(requests[1] ?? "", /rejected \(invalid-output\)/);
    assert.match(requests[3] ?? "", /Outcome of run: FAILED: exit 1/);
    // read_file is offered only once a file exists to read; the request names the tools on offer against the list.
    assert.match(requests[0] ?? "", /Tools now: all listed but read_file\./);
    assert.match(requests[4] ?? "", /Tools now: all listed\./);
    assert.equal(requests.length, 5, "no decision is asked for once the goal's check passed");

    const episodes = (await readFile(path.join(dir, "episodes.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const steps = episodes.filter((episode) => episode.kind === "step");
    assert.deepEqual(
      steps.map((step) => [step.tool, step.ok]),
      [
        ["(invalid-output)", false],
        ["(invalid-output)", false],
        ["run", false],
        ["write_file", true],
        ["write_file", true],
      ],
    );
    assert.equal(steps[0].raw, "{not json");
    assert.match(steps[2].signature, /^exit #/);
    const db = await readDbData(path.join(dir, "db.json"));
    assert.equal(db.goals["shopping-list"]?.lastCheckPassed, true);
    assert.ok(db.goals["shopping-list"]?.doneAt);
  } finally {
    await state.close();
  }
});

test("a goal whose check already passes is met without loading the model", async (t) => {
  const { dir, cleanup } = await makeStateDir({ workspace: { "shopping.txt": "milk\n" } });
  t.after(cleanup);
  const brain = new ScriptedBrain([]);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  try {
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
    assert.deepEqual(result, {
      status: "skipped",
      reason: "nothing-to-do",
      detail: "no goal is due and the inbox is empty",
    });
    assert.equal(brain.opened, 0);
    assert.equal(state.db.data.goals["shopping-list"]?.lastCheckPassed, true);
  } finally {
    await state.close();
  }
});
