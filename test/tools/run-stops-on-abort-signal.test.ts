import { test } from "node:test";
import assert from "node:assert/strict";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("aborting the context signal kills a running command", async (t) => {
  const workspace = await makeTempDir(t);
  const controller = new AbortController();
  const context = makeToolContext(workspace, { allowCommands: ["sleep"], signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  const started = Date.now();
  const outcome = await runCommandTool.execute({ command: "sleep", args: ["5"] }, context);
  assert.ok(Date.now() - started < 2500);
  assert.equal(outcome.ok, false);
  assert.match(outcome.ok ? "" : outcome.error, /^aborted/);
});

test("an already aborted signal starts nothing", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["echo"], signal: AbortSignal.abort() });
  const outcome = await runCommandTool.execute({ command: "echo", args: ["hi"] }, context);
  assert.equal(outcome.ok, false);
  assert.equal("output" in outcome, false);
});
