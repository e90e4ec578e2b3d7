import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { readEpisodes } from "../../src/memory/episodes.js";
import { runCli, startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import { readDbData } from "../../src/memory/db.js";

test("kill -9 during a cycle keeps every recorded step, and the next start records the interruption and runs a normal cycle", async (t) => {
  // The slow check keeps the cycle in progress after the steps too, so the kill lands inside the cycle
  // whether the random model stops at step 1 or goes on.
  const { dir, cleanup } = await makeStateDir({
    goalsYaml:
      "version: 1\ngoals:\n  - id: shopping-list\n    title: Write shopping.txt listing milk.\n    check: sleep 2; grep -qi milk shopping.txt\n",
    inbox: { "task.md": "Please write the list." },
    config: {
      schedule: { cron: "0 0 1 1 *", debounceMs: 100 },
      limits: { maxSteps: 12 },
      model: { maxTokensPerStep: 400, temperature: 1 },
    },
  });
  t.after(cleanup);
  const first = startCli(["start", "--state", dir]);
  t.after(() => first.child.kill("SIGKILL"));
  await first.waitFor(/cycle 1: step 1 /, 60_000);
  first.child.kill("SIGKILL");
  assert.equal(await first.exited, "SIGKILL");

  // Nothing recorded before the kill is lost or unreadable.
  const marker = JSON.parse(await readFile(path.join(dir, "cycle.json"), "utf8"));
  assert.equal(marker.inProgress.cycle, 1, "cycle.json says cycle 1 was under way");
  assert.equal((await readDbData(path.join(dir, "db.json"))).cycle.inProgress?.cycle, 1, "and the db reads it so");
  const before = await readEpisodes(path.join(dir, "episodes.jsonl"));
  const stepsBefore = before.records.filter((record) => record.cycle === 1 && record.kind === "step");
  assert.ok(stepsBefore.length >= 1, "the announced step was recorded before the kill");

  const second = startCli(["start", "--state", dir]);
  t.after(() => second.child.kill("SIGKILL"));
  await second.waitFor(/cycle 2 (ran|failed) in/, 60_000);
  second.child.kill("SIGTERM");
  assert.equal(await second.exited, 0);
  assert.match(second.output(), /cycle 1 was interrupted/);

  const after = await readEpisodes(path.join(dir, "episodes.jsonl"));
  assert.equal(after.skippedLines, 0, "every line parses");
  for (const step of stepsBefore)
    assert.ok(
      after.records.some((record) => record.id === step.id),
      `episode ${step.id} survived`,
    );
  const dbAfter = await readDbData(path.join(dir, "db.json"));
  assert.equal(dbAfter.cycle.inProgress, undefined);
  await assert.rejects(
    readFile(path.join(dir, "cycle.json")),
    { code: "ENOENT" },
    "the marker is gone once the cycle is recorded",
  );
  assert.deepEqual(
    dbAfter.cycles.map((cycle) => [cycle.cycle, cycle.status]),
    [
      [1, "interrupted"],
      [2, "ran"],
    ],
  );
  const journalFiles = await readdir(path.join(dir, "journal"));
  const journal = (
    await Promise.all(journalFiles.map((file) => readFile(path.join(dir, "journal", file), "utf8")))
  ).join("\n");
  assert.match(journal, /## Cycle 1 — \d{2}:\d{2} \(interrupted\)\n/, "no made-up duration for a cycle that died");
  assert.match(journal, /## Cycle 2 .*ran/);
  // The interruption has its own history entry, between cycle 2's and nothing before.
  const history = await runCli(["history", "--state", dir, "--json"]);
  const entries = JSON.parse(history.stdout) as Array<{ cycle: number; subject: string }>;
  assert.deepEqual(
    entries.map((entry) => entry.cycle),
    [2, 1],
  );
  assert.match(entries[1]?.subject ?? "", /^Cycle 1 interrupted: the process \(pid \d+\) stopped mid-cycle/);
});
