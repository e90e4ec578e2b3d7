import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { spawnCapped } from "../../src/tools/spawn-capped.js";
import { makeTempDir } from "./tool-context.js";

test("spawnCapped resolves with not-started for a missing program or cwd instead of rejecting", async (t) => {
  const dir = await makeTempDir(t);
  const options = { cwd: dir, timeoutMs: 2000, maxOutputBytes: 256 };
  const noProgram = await spawnCapped(path.join(dir, "no-such-program"), [], options);
  assert.equal(noProgram.ending, "not-started");
  assert.match(noProgram.startError ?? "", /^ENOENT/);
  const noCwd = await spawnCapped("/bin/echo", ["hi"], { ...options, cwd: path.join(dir, "missing") });
  assert.equal(noCwd.ending, "not-started");
});

test("spawnCapped keeps stdout and stderr, the exit code, and stderr's head apart", async (t) => {
  const dir = await makeTempDir(t);
  const result = await spawnCapped("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], {
    cwd: dir,
    timeoutMs: 2000,
    maxOutputBytes: 256,
  });
  assert.equal(result.ending, "exited");
  assert.equal(result.exitCode, 3);
  assert.equal(result.stderrHead, "err\n");
  assert.deepEqual(result.output.toString("utf8").split("\n").sort(), ["", "err", "out"]);
  assert.equal(result.truncated, false);
});
