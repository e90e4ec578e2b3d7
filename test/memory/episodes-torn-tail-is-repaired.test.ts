// A torn last line of episodes.jsonl is cut off and saved to `.torn-<ts>`; the good lines stay and parse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { readEpisodes, repairTornTail } from "../../src/memory/episodes.js";

function makeLine(step: number): string {
  return JSON.stringify({
    v: 1,
    id: `e${step}`,
    cycle: 1,
    step,
    at: "2024-05-01T10:00:00.000Z",
    tool: "run",
    args: { command: "ls" },
    ok: true,
    durationMs: 4,
  });
}

test("two good lines and half a line: the half is cut, saved aside, and the two lines parse", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-episodes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "episodes.jsonl");
  const good = `${makeLine(1)}\n${makeLine(2)}\n`;
  const torn = makeLine(3).slice(0, 40);
  await writeFile(file, good + torn);
  const logger = createMemoryLogger();
  const deps = { logger, clock: () => new Date("2024-05-01T10:20:30.123Z") };

  const result = await repairTornTail(file, deps);

  assert.equal(result.repaired, true);
  assert.equal(result.bytesCut, Buffer.byteLength(torn));
  assert.equal(await readFile(file, "utf8"), good);
  const { records, skippedLines } = await readEpisodes(file);
  assert.deepEqual(
    records.map((record) => record.id),
    ["e1", "e2"],
  );
  assert.equal(skippedLines, 0);
  const tornFiles = (await readdir(dir)).filter((name) => name.startsWith("episodes.jsonl.torn-"));
  assert.deepEqual(tornFiles, ["episodes.jsonl.torn-2024-05-01T10-20-30-123Z"]);
  assert.equal(await readFile(path.join(dir, tornFiles[0] as string), "utf8"), torn);
  assert.ok(logger.lines.some((line) => line.startsWith("warn ") && line.includes("torn")));

  assert.deepEqual(await repairTornTail(file, deps), { repaired: false, bytesCut: 0 }, "a clean file is left alone");
});

test("a file that is one torn line with no newline is cut to empty, and its bytes are kept", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-episodes-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "episodes.jsonl");
  await writeFile(file, '{"v":1,"id":');
  const result = await repairTornTail(file, { logger: createMemoryLogger(), clock: () => new Date() });
  assert.equal(result.repaired, true);
  assert.equal(await readFile(file, "utf8"), "");
  assert.equal(await readFile(result.savedTo as string, "utf8"), '{"v":1,"id":');
});
