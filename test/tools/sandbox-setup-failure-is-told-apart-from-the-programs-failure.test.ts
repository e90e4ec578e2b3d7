import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import { probeSandbox } from "../../src/tools/sandbox-probe.js";
import { spawnCapped, type SandboxedSpawn } from "../../src/tools/spawn-capped.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

async function sandboxFor(workspaceDir: string): Promise<SandboxedSpawn> {
  const status = await probeSandbox();
  assert.ok(status.available);
  return {
    bwrapPath: status.bwrapPath,
    policy: {
      workspaceDir,
      readOnlyDirs: [],
      network: false,
      proc: status.proc,
      disableUserns: status.disableUserns,
      hostLayout: status.hostLayout,
    },
  };
}

test("a program that exits 1 in the sandbox is its own failure, not the sandbox's", async (t) => {
  const workspace = await makeTempDir(t);
  const result = await spawnCapped("/bin/sh", ["-c", "echo 'bwrap: looks like a setup error' >&2; exit 1"], {
    cwd: workspace,
    timeoutMs: 5000,
    maxOutputBytes: 1024,
    sandbox: await sandboxFor(workspace),
  });
  assert.equal(result.ending, "exited");
  assert.equal(result.exitCode, 1);
});

test("a sandbox bwrap cannot set up ends as not-started with bwrap's reason", async (t) => {
  const dir = await makeTempDir(t);
  const result = await spawnCapped("/bin/true", [], {
    cwd: dir,
    timeoutMs: 5000,
    maxOutputBytes: 1024,
    sandbox: await sandboxFor(path.join(dir, "gone")),
  });
  assert.equal(result.ending, "not-started");
  assert.equal(result.exitCode, null);
  assert.match(result.startError ?? "", /^the sandbox could not start it: bwrap: Can't find source path .*gone/);
});

test("an operator script whose interpreter is not in the sandbox is reported as not started, naming the exec", async (t) => {
  const workspace = await makeTempDir(t);
  const bin = await makeTempDir(t, "apprentice-bin-");
  const hidden = await makeTempDir(t, "apprentice-interp-");
  await mkdir(path.join(hidden, "bin"));
  await writeFile(path.join(hidden, "bin", "interp"), "#!/bin/sh\nexit 0\n");
  await chmod(path.join(hidden, "bin", "interp"), 0o755);
  await writeFile(path.join(bin, "tool"), `#!${path.join(hidden, "bin", "interp")}\n`);
  await chmod(path.join(bin, "tool"), 0o755);
  const outcome = await runCommandTool.execute(
    { command: "tool", args: [] },
    makeToolContext(workspace, { allowCommands: ["tool"], commandDirs: [bin] }),
  );
  assert.equal(outcome.ok, false);
  assert.match(
    outcome.ok ? "" : outcome.error,
    /^cannot start tool: the sandbox could not start it: bwrap: execvp .*tool: No such file or directory/,
  );
});
