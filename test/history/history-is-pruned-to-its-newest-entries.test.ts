// History keeps its newest `keepEntries` entries once there are half as many again: the cut is marked in `shallow`,
// objects only older entries held are deleted, and what is kept still reads, diffs and restores, for plain git too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  diffEntry,
  findCycleEntry,
  listHistory,
  pruneHistory,
  recordHistory,
  restoreEntry,
} from "../../src/history/state-history.js";
import { statePaths } from "../../src/memory/state-paths.js";

function countLooseObjects(gitdir: string): number {
  const objects = path.join(gitdir, "objects");
  return fs
    .readdirSync(objects)
    .filter((folder) => /^[0-9a-f]{2}$/.test(folder))
    .reduce((sum, folder) => sum + fs.readdirSync(path.join(objects, folder)).length, 0);
}

function hasGit(): boolean {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("30 entries pruned to the newest 10: older objects go, the kept ones read, diff and restore", async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), "apprentice-prune-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const paths = statePaths(root);
  await fs.promises.mkdir(paths.journal, { recursive: true });
  for (let cycle = 1; cycle <= 30; cycle++) {
    await writeFile(paths.db, `${JSON.stringify({ cycle, note: `state after cycle ${cycle}` })}\n`);
    await writeFile(
      path.join(paths.journal, `2026-01-${String(1 + Math.floor(cycle / 10)).padStart(2, "0")}.md`),
      `# Journal\n\n## Cycle ${cycle}\n`,
    );
    await recordHistory(paths, {
      event: "cycle",
      cycle,
      subject: `Cycle ${cycle}`,
      now: new Date(Date.UTC(2026, 0, 1, cycle)),
    });
  }
  const objectsBefore = countLooseObjects(paths.history);

  assert.equal(await pruneHistory(paths, 20), undefined, "30 entries is not past 1.5 × 20");
  const pruned = await pruneHistory(paths, 10);
  assert.ok(pruned !== undefined);
  assert.equal(pruned.kept, 10);
  assert.ok(
    pruned.deletedObjects >= 20 * 2,
    `the 20 older commits and their trees went (deleted ${pruned.deletedObjects})`,
  );
  assert.equal(countLooseObjects(paths.history), objectsBefore - pruned.deletedObjects);

  const entries = await listHistory(paths);
  assert.deepEqual(
    entries.map((entry) => entry.cycle),
    Array.from({ length: 10 }, (_, index) => 30 - index),
  );
  assert.equal(await findCycleEntry(paths, 20), undefined, "a pruned cycle is not found");
  const oldest = await findCycleEntry(paths, 21);
  assert.ok(oldest !== undefined);
  // The oldest kept entry has no parent left: its diff shows its files as added, not an error.
  const changes = await diffEntry(paths, oldest);
  assert.ok(changes.some((change) => change.path === "db.json" && change.change === "added"));
  const after = await findCycleEntry(paths, 25);
  assert.ok(after !== undefined);
  await restoreEntry(paths, after);
  assert.match(await readFile(paths.db, "utf8"), /state after cycle 25/);

  // A second prune with nothing to do changes nothing; a new entry after it still works.
  assert.equal(await pruneHistory(paths, 10), undefined);
  await writeFile(paths.db, "{}\n");
  assert.ok(
    (await recordHistory(paths, {
      event: "cycle",
      cycle: 31,
      subject: "Cycle 31",
      now: new Date(Date.UTC(2026, 0, 3)),
    })) !== undefined,
  );

  // A subtest, so a machine without git reports this part as skipped.
  await t.test("plain git reads the pruned history", { skip: hasGit() ? false : "git is not installed" }, () => {
    const gitdir = ["--git-dir", paths.history];
    assert.equal(execFileSync("git", [...gitdir, "rev-list", "--count", "HEAD"], { encoding: "utf8" }).trim(), "11");
    execFileSync("git", [...gitdir, "fsck", "--no-dangling"], { stdio: "pipe" });
    assert.match(
      execFileSync("git", [...gitdir, "show", "HEAD~1:db.json"], { encoding: "utf8" }),
      /state after cycle 30/,
    );
  });
});

test("a history with another branch is left whole", async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), "apprentice-prune-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const paths = statePaths(root);
  for (let cycle = 1; cycle <= 16; cycle++) {
    await writeFile(paths.db, `${JSON.stringify({ cycle })}\n`);
    await recordHistory(paths, {
      event: "cycle",
      cycle,
      subject: `Cycle ${cycle}`,
      now: new Date(Date.UTC(2026, 0, 1, cycle)),
    });
  }
  const head = (await listHistory(paths, 16)).at(-1);
  assert.ok(head !== undefined);
  await writeFile(path.join(paths.history, "refs", "heads", "experiment"), `${head.oid}\n`);
  assert.equal(await pruneHistory(paths, 10), undefined);
  assert.equal((await listHistory(paths)).length, 16);
});
