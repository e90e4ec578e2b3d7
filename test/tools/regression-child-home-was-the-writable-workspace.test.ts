import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { findProgram, runCommandTool } from "../../src/tools/run-command.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

// Bug: children ran with HOME set to the workspace, so a dotfile the agent wrote there configured an allowlisted
// program past every argument check: a .gitconfig alias ran a command, a .curlrc copied a file outside.
for (const [program, dotfile, makeContent, args] of [
  ["git", ".gitconfig", (target: string) => `[alias]\n\tx = !touch ${target}\n`, ["x"]],
  ["curl", ".curlrc", (target: string) => `url = "file:///etc/hostname"\noutput = "${target}"\n`, ["-s"]],
] as const) {
  test(`${program} does not read a ${dotfile} the agent wrote into the workspace`, async (t) => {
    if (!(await findProgram(program)).ok) {
      t.skip(`${program} is not installed`);
      return;
    }
    const parent = await makeTempDir(t);
    const workspace = path.join(parent, "ws");
    await mkdir(workspace);
    const target = path.join(parent, "pwned");
    const context = makeToolContext(workspace, { allowCommands: [program] });
    const written = await writeFileTool.execute({ path: dotfile, content: makeContent(target) }, context);
    assert.ok(written.ok, written.ok ? "" : written.error);
    await runCommandTool.execute({ command: program, args: [...args] }, context);
    await assert.rejects(stat(target), { code: "ENOENT" });
  });
}
