import { test } from "node:test";
import assert from "node:assert/strict";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("run refuses absolute, .. and NUL arguments before starting anything", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["cat", "echo"] });
  const bad = [
    ["/etc/passwd"],
    ["../x"],
    ["a/../../x"],
    ["--file=/etc/passwd"],
    ["--dir=.."],
    ["a\0b"],
    [42],
    ["x".repeat(121)],
  ];
  for (const args of bad) {
    const outcome = await runCommandTool.execute({ command: "cat", args }, context);
    assert.equal(outcome.ok, false, JSON.stringify(args));
    assert.equal("output" in outcome, false, "nothing ran, so there is no output");
  }
  const tooMany = await runCommandTool.execute(
    { command: "echo", args: Array.from({ length: 9 }, () => "a") },
    context,
  );
  assert.equal(tooMany.ok, false);
  const notArray = await runCommandTool.execute({ command: "echo", args: "hello" }, context);
  assert.equal(notArray.ok, false);
});

test("run accepts relative paths and dotted names", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["echo"] });
  const outcome = await runCommandTool.execute({ command: "echo", args: ["notes/a..b.txt", "./x", "--n=3"] }, context);
  assert.ok(outcome.ok);
  assert.equal(outcome.output, "exit code: 0\nnotes/a..b.txt ./x --n=3");
});
