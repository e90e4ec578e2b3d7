// episodes.jsonl past its limit is rewritten with its newest lines up to half the limit plus every older line memory
// still cites; appends made after the cut land in the new file, and every line still parses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { openEpisodeLog, readEpisodes } from "../../src/memory/episodes.js";

function line(cycle: number): string {
  return JSON.stringify({
    v: 1,
    kind: "step",
    id: `c${cycle}s1`,
    cycle,
    step: 1,
    at: "2026-01-01T00:00:00.000Z",
    tool: "run",
    args: { command: "ls", note: "x".repeat(150) },
    ok: true,
    durationMs: 3,
  });
}

test("a 2000-line log cut to 100 KB keeps the newest lines and the cited old ones", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-episodes-trim-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "episodes.jsonl");
  // An unreadable old line is dropped with the other old lines, not kept and not fatal.
  await writeFile(
    file,
    `${Array.from({ length: 2000 }, (_, index) => line(index + 1)).join("\n")}\nnot json at all\n`.replace(
      `${line(3)}\n`,
      `${line(3)}\n{"id": broken\n`,
    ),
  );
  const log = await openEpisodeLog(file, { logger: createMemoryLogger() });
  t.after(() => log.close());
  const beforeBytes = (await stat(file)).size;

  let asked = 0;
  const keep = (): Set<string> => {
    asked += 1;
    return new Set(["c5s1", "c17s1", "not-an-episode"]);
  };
  assert.equal(await log.trim(beforeBytes + 1, keep), undefined, "a log within its limit is left alone");
  assert.equal(asked, 0, "the cited ids are not even gathered when no cut is due");

  const trimmed = await log.trim(100_000, keep);
  assert.ok(trimmed !== undefined);
  assert.equal(trimmed.beforeBytes, beforeBytes);
  assert.equal(trimmed.keptCited, 2);
  const size = (await stat(file)).size;
  assert.equal(trimmed.afterBytes, size);
  assert.ok(size <= 50_000 + 2 * 500, `about half the limit is left (${size} bytes)`);

  await log.append({
    v: 1,
    id: "c2001s1",
    cycle: 2001,
    step: 1,
    at: "2026-01-02T00:00:00.000Z",
    tool: "run",
    args: {},
    ok: true,
    durationMs: 1,
  });
  await log.sync();
  const { records, skippedLines } = await readEpisodes(file);
  const ids = records.map((record) => record.id);
  assert.equal(skippedLines, 1, "the newest garbage line is within the kept half and still skipped by readers");
  assert.deepEqual(ids.slice(0, 2), ["c5s1", "c17s1"]);
  assert.equal(ids.at(-2), "c2000s1");
  assert.equal(ids.at(-1), "c2001s1");
  const cycles = records.slice(2).map((record) => record.cycle);
  assert.deepEqual(
    cycles,
    Array.from({ length: cycles.length }, (_, index) => (cycles[0] ?? 0) + index),
    "the newest lines are kept whole and in order",
  );
  assert.deepEqual((await readdir(dir)).sort(), ["episodes.jsonl"], "no temp file is left");
});
