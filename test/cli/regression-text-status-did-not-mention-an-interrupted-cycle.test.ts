// Issue 17, bug 8: `status --json` reported a cycle cut off by a crash (its cycle.json marker left behind with no
// daemon running), but the text `status` said nothing of it. The text now names the cycle and what happens to it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { StatusReport } from "../../src/cli/status-command.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState, runCliJson } from "./helpers/inspect-fixture.js";

test("text status names a cycle whose marker a dead process left, as the JSON does", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const dead = spawnSync("true");
  assert.ok(dead.pid !== undefined);
  const marker = { cycle: 4, startedAt: "2026-01-05T09:10:00.000Z", pid: dead.pid };
  await writeFile(path.join(dir, "cycle.json"), JSON.stringify({ version: 1, inProgress: marker }));

  const report = await runCliJson<StatusReport>(["status", "--state", dir, "--json"]);
  assert.deepEqual(report.cycles.inProgress, marker, "the JSON reports it");
  const text = await runCli(["status", "--state", dir]);
  assert.equal(text.code, 0, text.output);
  assert.match(
    text.stdout,
    new RegExp(
      `^Now: +no cycle runs; cycle 4 \\(started .* by pid ${dead.pid}\\) was interrupted, and the next start or once records it$`,
      "m",
    ),
    text.stdout,
  );
});

test("text status without a marker says nothing of an interrupted cycle", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const text = await runCli(["status", "--state", dir]);
  assert.equal(text.code, 0, text.output);
  assert.doesNotMatch(text.stdout, /interrupted|^Now:/m, text.stdout);
});
