// Real cycles commit the state to .history/; `history`, `history show`, `rollback` and `fork` read and restore it through the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createConsoleLogger } from "../../src/log.js";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("three cycles give three entries; rollback returns db.json and lessons.md to cycle 2 and is itself recorded", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  for (let cycle = 1; cycle <= 2; cycle += 1) assert.equal((await runCli(["once", "--state", dir])).code, 0);
  const dbAfter2 = await readFile(path.join(dir, "db.json"), "utf8");
  const lessonsAfter2 = await readFile(path.join(dir, "lessons.md"), "utf8").catch(() => undefined);
  // The operator teaches a lesson (its own history entry), so lessons.md and db.json both move on.
  assert.equal((await runCli(["teach", "--state", dir, "Keep notes short."])).code, 0);
  assert.equal((await runCli(["once", "--state", dir])).code, 0);
  assert.notEqual(await readFile(path.join(dir, "db.json"), "utf8"), dbAfter2);

  const listed = await runCli(["history", "--state", dir, "--json"]);
  assert.equal(listed.code, 0);
  const entries = JSON.parse(listed.stdout) as Array<{ cycle: number; event: string; subject: string }>;
  assert.deepEqual(
    entries.map((entry) => [entry.event, entry.cycle]),
    [
      ["cycle", 3],
      ["operator", 2],
      ["cycle", 2],
      ["cycle", 1],
    ],
  );
  assert.equal(entries[1]?.subject, "Operator: taught a lesson");
  assert.match(entries[0]?.subject ?? "", /^Cycle 3 ran in \d+\.\d s/);

  const shown = await runCli(["history", "show", "3", "--state", dir, "--json"]);
  const { changes } = JSON.parse(shown.stdout) as { changes: Array<{ path: string; change: string; patch: string }> };
  const db = changes.find((change) => change.path === "db.json");
  assert.equal(db?.change, "modified");
  assert.match(db?.patch ?? "", /^-\s+"count": 2,$/m);
  assert.match(db?.patch ?? "", /^\+\s+"count": 3,$/m);

  const rolled = await runCli(["rollback", "2", "--state", dir, "--json"]);
  assert.equal(rolled.code, 0, rolled.output);
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), dbAfter2);
  assert.equal(await readFile(path.join(dir, "lessons.md"), "utf8").catch(() => undefined), lessonsAfter2);
  const after = JSON.parse((await runCli(["history", "--state", dir, "--json"])).stdout) as Array<{
    event: string;
    cycle: number;
  }>;
  assert.deepEqual(after[0], { ...after[0], event: "rollback", cycle: 2 });
  // The next cycle does not reuse number 3: episodes.jsonl still holds cycle 3's steps.
  const next = await runCli(["once", "--state", dir]);
  assert.equal(next.code, 0, next.output);
  assert.match(next.output, /cycle numbers go on from 4/);
  const latest = JSON.parse((await runCli(["history", "--state", dir, "--json", "-n", "1"])).stdout) as Array<{
    event: string;
    cycle: number;
  }>;
  assert.deepEqual([latest[0]?.event, latest[0]?.cycle], ["cycle", 4]);
  // Plain git can read it too.
  const log = execFileSync("git", ["--git-dir", path.join(dir, ".history"), "log", "--format=%s"], {
    encoding: "utf8",
  });
  assert.match(log, /^Cycle 4 ran.*\nRolled back to the state after cycle 2\nCycle 3 ran/);
});

test("rollback refuses while another process holds the lock, and names a cycle that was never recorded", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  assert.equal((await runCli(["once", "--state", dir])).code, 0);
  const unknown = await runCli(["rollback", "7", "--state", dir]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.output, /no history entry for cycle 7; recorded cycles run from 1 to 1/);

  const lock = await acquireStateLock(dir, { logger: createConsoleLogger("error") });
  assert.ok(lock.ok);
  t.after(() => lock.release());
  const refused = await runCli(["rollback", "1", "--state", dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.output, /pid \d+/);
  assert.match(refused.output, /--stop/);
  assert.doesNotMatch(refused.output, /^\s+at /m);
});

test("fork copies the state and its history into a new dir and records the fork there only", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  assert.equal((await runCli(["once", "--state", dir])).code, 0);
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-fork-"));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const target = path.join(parent, "experiment");
  const forked = await runCli(["fork", target, "--state", dir]);
  assert.equal(forked.code, 0, forked.output);
  assert.equal(await readFile(path.join(target, "db.json"), "utf8"), await readFile(path.join(dir, "db.json"), "utf8"));
  const forkLog = JSON.parse((await runCli(["history", "--state", target, "--json"])).stdout) as Array<{
    event: string;
  }>;
  const originLog = JSON.parse((await runCli(["history", "--state", dir, "--json"])).stdout) as Array<{
    event: string;
  }>;
  assert.deepEqual(
    forkLog.map((entry) => entry.event),
    ["fork", "cycle"],
  );
  assert.deepEqual(
    originLog.map((entry) => entry.event),
    ["cycle"],
  );
  await writeFile(path.join(parent, "occupied"), "x");
  const again = await runCli(["fork", parent, "--state", dir]);
  assert.equal(again.code, 2);
  assert.match(again.output, /exists and is not empty/);
});
