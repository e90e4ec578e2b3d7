// Regression: message_operator wrote the model's text into outbox/ raw, so an escape sequence the model copied from
// a file it read (or wrote itself) drove the operator's terminal on `cat outbox/*.md`. The text is written with its
// controls shown visibly; the words stay as they were.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

test("an outbox message holds no raw terminal control, only its visible form", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: "version: 1\ngoals:\n  - id: g\n    title: Tell the operator.\n",
  });
  t.after(cleanup);
  const clock = (): Date => new Date(Date.UTC(2026, 0, 1));
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock });
  const text = "Report: all good\\u001b[2J\\u001b]0;pwned\\u0007 \\u202eevil";
  const brain = new ScriptedBrain([
    `{"thought":"tell","tool":"message_operator","args":{"text":"${text}"}}`,
    '{"thought":"stop","tool":"finish","args":{"summary":"told"}}',
  ]);
  try {
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock }));
    assert.equal(result.status, "ran", JSON.stringify(result));
  } finally {
    await state.close();
  }
  const outbox = path.join(dir, "outbox");
  const [file] = await readdir(outbox);
  assert.ok(file !== undefined, "the message was written");
  const written = await readFile(path.join(outbox, file), "utf8");
  assert.equal(written, "Report: all good\\x1b[2J\\x1b]0;pwned\\x07 \\u202eevil\n");
});
