// Regression: tools.commandDirs are shown read-only inside the sandbox, so one that held the state dir (`.` or `/`)
// showed every command the state's own files (db.json, operator/, config.json), and one inside the workspace let the
// agent put a program of its own under an allowlisted name. Both are refused before anything runs; a folder of its
// own beside the workspace works, and its programs still see nothing of the state but the workspace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCheck } from "../../src/cycle/run-check.js";
import { runCommandTool } from "../../src/tools/run-command.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

async function makeState(t: Parameters<typeof makeTempDir>[0]): Promise<{ state: string; workspace: string }> {
  const state = await makeTempDir(t, "apprentice-state-");
  const workspace = path.join(state, "workspace");
  await mkdir(workspace);
  await writeFile(path.join(state, "db.json"), '{"secret":"state-canary"}\n');
  await mkdir(path.join(state, "bin"));
  await writeFile(path.join(state, "bin", "show"), '#!/bin/sh\ncat "$@" 2>&1; ls .. 2>&1; exit 0\n');
  await chmod(path.join(state, "bin", "show"), 0o755);
  return { state, workspace };
}

test("a command folder that holds the state dir, or lies inside the workspace, is refused before anything runs", async (t) => {
  const { state, workspace } = await makeState(t);
  for (const [commandDir, reason] of [
    [state, /holds the state dir .*give the programs a folder of their own/],
    ["/", /holds the state dir/],
    [path.join(workspace, "bin"), /is inside the workspace, where the agent writes/],
  ] as const) {
    await mkdir(path.join(workspace, "bin"), { recursive: true });
    const context = makeToolContext(workspace, { allowCommands: ["cat"], commandDirs: [commandDir] });
    const outcome = await runCommandTool.execute({ command: "cat", args: ["x"] }, context);
    assert.equal(outcome.ok, false, commandDir);
    assert.match(outcome.ok ? "" : outcome.error, reason, commandDir);
    assert.equal("output" in outcome, false, `${commandDir}: nothing ran`);
    const check = await runCheck("cat ../db.json", {
      cwd: workspace,
      timeoutMs: 5000,
      maxOutputBytes: 1024,
      sandbox: DEFAULT_SANDBOX_SETTINGS,
      readOnlyDirs: [commandDir],
    });
    assert.equal(check.passed, false, commandDir);
    assert.match(check.exitDescription, reason, commandDir);
  }
  assert.deepEqual(await readdir(workspace), ["bin"]);
});

test("a command folder of its own beside the workspace runs its programs, which see nothing of the state but the workspace", async (t) => {
  const { state, workspace } = await makeState(t);
  const context = makeToolContext(workspace, { allowCommands: ["show"], commandDirs: [path.join(state, "bin")] });
  const outcome = await runCommandTool.execute({ command: "show", args: ["../db.json"] }, context);
  // The argument rules refuse "..": the program itself tries the same from inside.
  assert.equal(outcome.ok, false);
  const inside = await runCommandTool.execute({ command: "show", args: [] }, context);
  assert.ok(inside.ok, inside.ok ? "" : inside.error);
  assert.doesNotMatch(inside.output, /state-canary|db\.json/);
  assert.match(inside.output, /workspace/, "the workspace is the only entry of the state dir the program sees");
  assert.match(inside.output, /bin/, "and its own command folder, read-only");
});
