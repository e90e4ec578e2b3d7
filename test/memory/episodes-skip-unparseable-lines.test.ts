// readEpisodes skips and counts lines that are not episode records instead of throwing, and filters by cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readEpisodes } from "../../src/memory/episodes.js";

function makeLine(cycle: number, step: number): string {
  return JSON.stringify({
    v: 1,
    id: `c${cycle}s${step}`,
    cycle,
    step,
    at: "2024-05-01T10:00:00.000Z",
    tool: "run",
    args: {},
    ok: step % 2 === 0,
    durationMs: 1,
    extra: "kept",
  });
}

test("garbage, torn and foreign lines are counted and skipped; sinceCycle keeps later cycles", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-episodes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "episodes.jsonl");
  const lines = [
    makeLine(1, 1),
    "not json",
    makeLine(2, 1).slice(0, 30),
    JSON.stringify({ v: 2, id: "x" }),
    "",
    makeLine(2, 1),
    makeLine(3, 1),
  ];
  await writeFile(file, `${lines.join("\n")}\n`);

  const all = await readEpisodes(file);
  assert.deepEqual(
    all.records.map((record) => record.id),
    ["c1s1", "c2s1", "c3s1"],
  );
  assert.equal(all.records[0]?.["extra"], "kept");
  assert.equal(all.skippedLines, 3);
  assert.deepEqual(
    all.skipped.map((skip) => skip.lineNumber),
    [2, 3, 4],
  );

  const recent = await readEpisodes(file, { sinceCycle: 2 });
  assert.deepEqual(
    recent.records.map((record) => record.id),
    ["c2s1", "c3s1"],
  );

  const missing = await readEpisodes(path.join(dir, "nope.jsonl"));
  assert.deepEqual(missing, { records: [], skippedLines: 0, skipped: [] });
});
