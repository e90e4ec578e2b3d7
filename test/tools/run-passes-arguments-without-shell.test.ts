import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("shell syntax in arguments reaches the program literally", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace);
  const outcome = await runCommandTool.execute(
    { command: "echo", args: ["$(id)", ";", "rm", "*", "> out.txt", "`whoami`"] },
    context,
  );
  assert.deepEqual(outcome, { ok: true, output: "exit code: 0\n$(id) ; rm * > out.txt `whoami`" });
  assert.deepEqual(await readdir(workspace), []);
});

test("the command runs in the workspace and a non-zero exit is a failure whose stderr is in the output and the detail, not the error", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["ls", "pwd"] });
  const here = await runCommandTool.execute({ command: "pwd", args: [] }, context);
  assert.ok(here.ok);
  assert.equal(here.output, `exit code: 0\n${workspace}`);
  const missing = await runCommandTool.execute({ command: "ls", args: ["missing-file"] }, context);
  assert.equal(missing.ok, false);
  assert.equal(missing.ok ? "" : missing.error, "exit 2");
  assert.match(missing.ok ? "" : (missing.detail ?? ""), /^ls: .*missing-file/);
  assert.match(missing.output ?? "", /^exit code: 2\nls: .*missing-file/);
});
