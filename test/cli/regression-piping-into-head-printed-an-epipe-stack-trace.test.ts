// Regression: `apprentice history show 1 | head -1` (and `lessons list | head`) died with an EPIPE stack trace and
// exit 1 once head had gone; a reader that goes away now ends the command quietly with exit 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { CLI, makeStateDir } from "../support/state-fixture.js";

test("history show piped into head -1 prints one line, no stack trace, exit 0", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  // A charter far larger than a pipe's buffer: its diff cannot be written before head exits.
  await writeFile(
    path.join(dir, "charter.md"),
    Array.from({ length: 20_000 }, (_, index) => `- standing rule ${index}`).join("\n"),
  );
  const once = await runCli(["once", "--state", dir]);
  assert.equal(once.code, 0, once.output);
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = spawnSync("bash", ["-c", 'set -o pipefail; "$0" history show 1 --state "$1" | head -1', CLI, dir], {
      encoding: "utf8",
    });
    assert.equal(run.stdout.split("\n").filter(Boolean).length, 1, run.stdout.slice(0, 300));
    assert.doesNotMatch(run.stderr, /EPIPE|\n\s+at /, run.stderr);
    assert.equal(run.status, 0, run.stderr);
  }
});
