// Appending to a log whose last line is torn starts the new record on its own line, so the new record is not lost.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { openEpisodeLog, readEpisodes } from "../../src/memory/episodes.js";

test("a record appended after a torn line still parses; the torn line is counted as skipped", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-episodes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "episodes.jsonl");
  await writeFile(file, '{"v":1,"id":"torn');
  const logger = createMemoryLogger();
  const log = await openEpisodeLog(file, { logger });
  await log.append({
    v: 1,
    id: "e1",
    cycle: 5,
    step: 1,
    at: "2024-05-01T10:00:00.000Z",
    tool: "run",
    args: {},
    ok: true,
    durationMs: 2,
  });
  await log.close();

  const { records, skippedLines } = await readEpisodes(file);
  assert.deepEqual(
    records.map((record) => record.id),
    ["e1"],
  );
  assert.equal(skippedLines, 1);
  assert.ok(logger.lines.some((line) => line.startsWith("warn ")));
});
