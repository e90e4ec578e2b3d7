// `bench learning` checks its options and the model before running anything: exit 2, a message naming the problem, no stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli-process.js";

test("a missing --model file is named before any cycle runs", async () => {
  const { code, output } = await runCli([
    "bench",
    "learning",
    "--model",
    "/nonexistent/model.gguf",
    "--scenario",
    "wrong-command",
    "--seeds",
    "1",
    "--cycles",
    "1",
  ]);
  assert.equal(code, 2);
  assert.match(output, /model file not found: \/nonexistent\/model\.gguf/);
  assert.doesNotMatch(output, /cycles met the goal/, "no run was started");
  assert.doesNotMatch(output, /^\s+at /m);
});

test("an unknown scenario lists the real ones; a bad --seeds is refused", async () => {
  const unknown = await runCli(["bench", "learning", "--scenario", "no-such-thing"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.output, /no scenario "no-such-thing"; the scenarios are: .*wrong-command/);
  const seeds = await runCli(["bench", "learning", "--seeds", "0"]);
  assert.equal(seeds.code, 2);
  assert.match(seeds.output, /--seeds takes a whole number from 1 to 100/);
});
