import { test } from "node:test";
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("run refuses a command that is not in allowCommands, even when it exists", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["echo"] });
  const outcome = await runCommandTool.execute({ command: "touch", args: ["marker"] }, context);
  assert.equal(outcome.ok, false);
  assert.match(outcome.ok ? "" : outcome.error, /not an allowed command/);
  await assert.rejects(stat(path.join(workspace, "marker")), { code: "ENOENT" });
});

test("run refuses paths as command names and programs missing from the safe PATH", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["/usr/bin/touch", "no-such-program-here", ".."] });
  for (const command of ["/usr/bin/touch", "..", "no-such-program-here"]) {
    const outcome = await runCommandTool.execute({ command, args: ["marker"] }, context);
    assert.equal(outcome.ok, false, command);
  }
  const missing = await runCommandTool.execute({ command: "no-such-program-here", args: [] }, context);
  assert.match(missing.ok ? "" : missing.error, /not found in \/usr\/local\/bin:\/usr\/bin:\/bin/);
  await assert.rejects(stat(path.join(workspace, "marker")), { code: "ENOENT" });
});

test("run is unavailable in the schema when the allowlist is empty", () => {
  const view = {
    allowCommands: [],
    commandArgs: {},
    files: [],
    dirs: ["."],
    limits: { maxFileBytes: 1, maxOutputBytes: 256, commandTimeoutMs: 100 },
  };
  assert.equal(runCommandTool.argsSchema(view), undefined);
});
