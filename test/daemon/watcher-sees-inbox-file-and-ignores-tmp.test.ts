// The watcher reports new inbox and operator/ files and goals/charter changes as state-relative paths, and never a writer's temp files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { watchStateInputs } from "../../src/daemon/state-watcher.js";
import { createMemoryLogger } from "../../src/log.js";
import { countTimers } from "../support/active-timers.js";

test("inbox/msg.md, operator/x.lesson.md and goals.yaml are reported; .tmp files, dotfiles, .processed/.refused and other state files are not", async (t) => {
  // A dot-named parent: dotfiles must be judged inside the state dir only.
  const scratch = await mkdtemp(path.join(tmpdir(), ".apprentice-watch-"));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const stateDir = path.join(scratch, "state");
  await mkdir(path.join(stateDir, "inbox", ".processed"), { recursive: true });
  await mkdir(path.join(stateDir, "operator", ".refused"), { recursive: true, mode: 0o700 });
  await writeFile(path.join(stateDir, "goals.yaml"), "goals: []\n");
  await writeFile(path.join(stateDir, "inbox", "old.md"), "present before the watch\n");

  const reported: string[] = [];
  const logger = createMemoryLogger();
  const watch = watchStateInputs({ stateDir, logger, onChange: (paths) => reported.push(...paths) });
  try {
    await watch.ready;

    await writeFile(path.join(stateDir, "inbox", ".x.tmp"), "half");
    await writeFile(path.join(stateDir, "inbox", "y.tmp"), "not a dotfile, still a temp file");
    await writeFile(path.join(stateDir, "inbox", ".msg.md.3f2a.tmp"), "hello\n");
    await rename(path.join(stateDir, "inbox", ".msg.md.3f2a.tmp"), path.join(stateDir, "inbox", "msg.md"));
    await writeFile(path.join(stateDir, ".goals.yaml.9c1d.tmp"), "goals: [a]\n");
    await rename(path.join(stateDir, ".goals.yaml.9c1d.tmp"), path.join(stateDir, "goals.yaml"));
    await writeFile(path.join(stateDir, "db.json"), "{}");
    await writeFile(path.join(stateDir, "inbox", ".processed", "done.md"), "done");
    await writeFile(path.join(stateDir, "operator", ".x.lesson.md.77ab.tmp"), "Keep a backup.\n");
    await rename(
      path.join(stateDir, "operator", ".x.lesson.md.77ab.tmp"),
      path.join(stateDir, "operator", "x.lesson.md"),
    );
    await writeFile(path.join(stateDir, "operator", ".refused", "bad.lesson.md"), "refused");
    await mkdir(path.join(stateDir, "workspace"));
    await writeFile(path.join(stateDir, "workspace", "notes.md"), "x");

    const deadlineMs = Date.now() + 5_000;
    while (
      !(
        reported.includes("inbox/msg.md") &&
        reported.includes("goals.yaml") &&
        reported.includes("operator/x.lesson.md")
      ) &&
      Date.now() < deadlineMs
    )
      await sleep(50);
    // Leave time for any stray event (e.g. an unlink of the renamed .tmp) to show up.
    await sleep(500);

    assert.deepEqual(
      [...new Set(reported)].sort(),
      ["goals.yaml", "inbox/msg.md", "operator/x.lesson.md"],
      `reported: ${reported.join(", ")}`,
    );
    assert.ok(!reported.some((p) => p.endsWith(".tmp")));
    assert.equal(logger.lines.filter((line) => line.startsWith("error")).length, 0, logger.lines.join("\n"));
    assert.equal(countTimers(), 0, "no write-settling timer is left once writes settled");
  } finally {
    await watch.close();
  }
});

test("a half-written inbox file is reported once, after the writer stops", async (t) => {
  const stateDir = await mkdtemp(path.join(tmpdir(), "apprentice-watch-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const reported: Array<{ path: string; atMs: number }> = [];
  // inbox/ does not exist yet: the watch must still see files written into it later.
  const watch = watchStateInputs({
    stateDir,
    logger: createMemoryLogger(),
    onChange: (paths) => reported.push(...paths.map((p) => ({ path: p, atMs: Date.now() }))),
  });
  try {
    await watch.ready;
    await mkdir(path.join(stateDir, "inbox"));
    await sleep(100);
    const file = path.join(stateDir, "inbox", "slow.md");
    for (let i = 0; i < 5; i++) {
      await writeFile(file, `chunk ${i}\n`, { flag: "a" });
      await sleep(80);
    }
    const writerDoneMs = Date.now();
    await writeFile(path.join(stateDir, "charter.md"), "be careful\n");
    const deadlineMs = Date.now() + 5_000;
    while (reported.length < 2 && Date.now() < deadlineMs) await sleep(50);
    await sleep(400);

    const slow = reported.filter((r) => r.path === "inbox/slow.md");
    assert.equal(slow.length, 1, JSON.stringify(reported));
    assert.ok((slow[0]?.atMs ?? 0) >= writerDoneMs, "reported only after the last write");
    assert.ok(
      reported.some((r) => r.path === "charter.md"),
      "a charter created after start is reported",
    );
  } finally {
    await watch.close();
  }
});
