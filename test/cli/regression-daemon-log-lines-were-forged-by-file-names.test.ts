// Regression (issue 14, finding 5 and 8): daemon log lines built from file names (`inbox/<name>: …`) carried the name's
// newlines and terminal escapes raw, so one event could print as several, forged ones. The logger itself now puts every
// message on one line with its controls shown, so no caller can forget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createConsoleLogger } from "../../src/log.js";
import { findRawControl, FORGED_CYCLE, HOSTILE_NAME } from "../support/hostile-text.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

/** Runs `body` with process.stderr.write captured; returns what was written. */
async function captureStderr(body: () => Promise<void>): Promise<string> {
  const original = process.stderr.write.bind(process.stderr);
  let captured = "";
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  try {
    await body();
  } finally {
    process.stderr.write = original;
  }
  return captured;
}

const LOG_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (debug|info |warn |error) \S/;

test("every log event is one line with controls shown, whatever the message holds", async () => {
  const logger = createConsoleLogger("debug", () => new Date(Date.UTC(2026, 0, 1)));
  const written = await captureStderr(async () => {
    logger.warn(`inbox/${HOSTILE_NAME}: binary content`);
    logger.info(`took\r\n2026-01-01T00:00:00.000Z info  forged event`);
  });
  const lines = written.split("\n").slice(0, -1);
  assert.equal(lines.length, 2, written);
  for (const line of lines) assert.match(line, LOG_LINE);
  assert.equal(findRawControl(written), undefined);
  assert.ok(lines[0]?.includes("\\n## Cycle 42"), "the name is still there, visibly");
});

test("a cycle that meets a hostile inbox file name logs one line per event", async (t) => {
  const { dir, cleanup } = await makeStateDir({ goalsYaml: "version: 1\ngoals: []\n" });
  t.after(cleanup);
  // NUL bytes make the inbox warn about the file, naming it.
  await writeFile(path.join(dir, "inbox", HOSTILE_NAME), `hello\u0000${FORGED_CYCLE}`);
  const clock = (): Date => new Date(Date.UTC(2026, 0, 1, 9));
  const logger = createConsoleLogger("debug", clock);
  const written = await captureStderr(async () => {
    const state = await openState(dir, { logger, clock });
    try {
      const result = await runCycle(buildCycleDeps(state, { brain: new ScriptedBrain([]), logger, clock }));
      assert.equal(result.status, "ran", JSON.stringify(result));
    } finally {
      await state.close();
    }
  });
  const lines = written.split("\n").slice(0, -1);
  assert.ok(
    lines.some((line) => line.includes("binary content")),
    written,
  );
  for (const line of lines) assert.match(line, LOG_LINE, `not a log line of its own: ${JSON.stringify(line)}`);
  assert.equal(findRawControl(written), undefined);
});
