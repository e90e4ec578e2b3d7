// Appended episode lines keep `output` within MAX_EPISODE_OUTPUT_CHARS, one JSON object per line, extra fields intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { MAX_EPISODE_OUTPUT_CHARS, openEpisodeLog, readEpisodes } from "../../src/memory/episodes.js";

test("a 10,000-character multi-line output is stored as one line capped at 2,000 characters", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-episodes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "episodes.jsonl");
  const log = await openEpisodeLog(file, { logger: createMemoryLogger() });
  const base = {
    v: 1 as const,
    cycle: 1,
    at: "2024-05-01T10:00:00.000Z",
    tool: "run",
    args: { command: "cat" },
    durationMs: 3,
  };
  await log.append({ ...base, id: "e1", step: 1, ok: true, output: "line\n".repeat(2000), cited: ["L1"] });
  await log.append({ ...base, id: "e2", step: 2, ok: false, error: "boom", output: "short" });
  await log.sync();
  await log.close();

  const text = await readFile(file, "utf8");
  assert.equal(text.split("\n").length, 3, "two lines and a final newline");
  const { records } = await readEpisodes(file);
  assert.equal(MAX_EPISODE_OUTPUT_CHARS, 2000);
  assert.equal(records[0]?.output?.length, MAX_EPISODE_OUTPUT_CHARS);
  assert.ok(records[0]?.output?.startsWith("line\nline\n"));
  assert.deepEqual(records[0]?.["cited"], ["L1"]);
  assert.equal(records[1]?.output, "short");
  assert.equal(records[1]?.error, "boom");
});
