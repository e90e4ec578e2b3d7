import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

// Bug: only whole arguments and `--opt=value` values were checked, so `sort -o/tmp/x`, `sort -o../x`, `dd of=/tmp/x`,
// `curl file:///etc/passwd` and `find -exec sh -c "touch /tmp/x"` reached outside the workspace.
test("run refuses absolute paths and .. glued to options, after = : , and inside command strings", async (t) => {
  const parent = await makeTempDir(t);
  const workspace = path.join(parent, "ws");
  await mkdir(workspace);
  await writeFile(path.join(workspace, "in.txt"), "b\na\n");
  await writeFile(path.join(parent, "victim.txt"), "original\n");
  const target = path.join(parent, "pwned");
  const context = makeToolContext(workspace, { allowCommands: ["sort", "dd", "curl", "find", "tar"] });
  const attempts: [string, string[]][] = [
    ["sort", [`-o${target}`, "in.txt"]],
    ["sort", [`-mo${target}`, "in.txt"]],
    ["sort", ["-o../victim.txt", "in.txt"]],
    ["dd", ["if=in.txt", `of=${target}`]],
    ["dd", [`if=${path.join(parent, "victim.txt")}`]],
    ["curl", [`file://${path.join(parent, "victim.txt")}`]],
    ["find", [".", "-exec", "sh", "-c", `touch ${target}`, ";"]],
    ["find", [".", "-exec", "sh", "-c", "cd ..; touch pwned", ";"]],
    ["tar", [`-cf${target}`, "."]],
    ["tar", ["-xf", "x.tar", `--to-command=sh -c 'cat > ${target}'`]],
  ];
  for (const [command, args] of attempts) {
    const outcome = await runCommandTool.execute({ command, args }, context);
    assert.equal(outcome.ok, false, `${command} ${args.join(" ")}`);
    assert.match(outcome.ok ? "" : outcome.error, /absolute path|contains "\.\."/);
    assert.equal("output" in outcome, false, "refused before anything ran");
  }
  await assert.rejects(stat(target), { code: "ENOENT" });
  await assert.rejects(stat(path.join(parent, "pwned")), { code: "ENOENT" });
  assert.equal(await readFile(path.join(parent, "victim.txt"), "utf8"), "original\n");
});

test("run still accepts relative values glued to options and ordinary punctuation", async (t) => {
  const workspace = await makeTempDir(t);
  await writeFile(path.join(workspace, "in.txt"), "b\na\n");
  const context = makeToolContext(workspace, { allowCommands: ["sort", "echo"] });
  const sorted = await runCommandTool.execute({ command: "sort", args: ["-oout.txt", "in.txt"] }, context);
  assert.ok(sorted.ok, sorted.ok ? "" : sorted.error);
  assert.equal(await readFile(path.join(workspace, "out.txt"), "utf8"), "a\nb\n");
  const echoed = await runCommandTool.execute(
    { command: "echo", args: ["key=value", "12:30", "a,b", "x|y", "--n=3", "-k2"] },
    context,
  );
  assert.ok(echoed.ok, echoed.ok ? "" : echoed.error);
});
