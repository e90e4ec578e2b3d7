// The marker's removal at a cycle's end is not flushed (one fsync less per cycle): a power cut may bring cycle.json
// back for a cycle db.json already records. The next cycle must only clear it, not report an interrupted cycle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { readDbData } from "../../src/memory/db.js";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("cycle.json naming a cycle that db.json records is cleared by the next cycle, with no interrupted record or history entry", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    inbox: { "task.md": "Please write the list." },
    config: { limits: { maxSteps: 2 } },
  });
  t.after(cleanup);
  const first = await runCli(["once", "--state", dir, "--json"]);
  assert.equal(first.code, 0, first.output);
  const recorded = (await readDbData(path.join(dir, "db.json"))).cycles.at(-1);
  assert.ok(recorded !== undefined && recorded.cycle === 1);
  // What an undone unlink leaves: the marker exactly as cycle 1 wrote it.
  await writeFile(
    path.join(dir, "cycle.json"),
    `${JSON.stringify({ version: 1, inProgress: { cycle: 1, startedAt: recorded.startedAt, pid: 2 ** 22 } })}\n`,
  );

  await writeFile(path.join(dir, "inbox", "again.md"), "And once more.");
  const second = await runCli(["once", "--state", dir, "--json"]);
  assert.equal(second.code, 0, second.output);
  assert.doesNotMatch(second.output, /interrupted/);
  const db = await readDbData(path.join(dir, "db.json"));
  assert.deepEqual(
    db.cycles.map((record) => [record.cycle, record.status === "ran" || record.status === "failed"]),
    [
      [1, true],
      [2, true],
    ],
    "cycle 1 once, then cycle 2",
  );
  assert.equal(db.cycle.inProgress, undefined);
  await assert.rejects(readFile(path.join(dir, "cycle.json")), { code: "ENOENT" });
  const history = await runCli(["history", "--state", dir]);
  assert.doesNotMatch(history.stdout, /interrupted/);
});
