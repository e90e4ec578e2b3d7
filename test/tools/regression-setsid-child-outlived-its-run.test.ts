import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { findProgram, runCommandTool } from "../../src/tools/run-command.js";
import { DEFAULT_SANDBOX_SETTINGS, type SandboxSettings } from "../../src/tools/sandbox-settings.js";
import { killPids, waitForMarkedProcesses } from "../support/marked-processes.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

const MODES: Array<[string, SandboxSettings]> = [
  ["bare (mode none: the run-token sweep)", { ...DEFAULT_SANDBOX_SETTINGS, mode: "none" }],
  ["in the sandbox (its pid namespace)", DEFAULT_SANDBOX_SETTINGS],
];

// Bug: killing the process group missed a descendant that had left it with setsid, so it outlived the step.
for (const [label, sandbox] of MODES) {
  test(`a descendant that left the process group with setsid is killed when the run ends, ${label}`, async (t) => {
    if (!(await findProgram("setsid")).ok) {
      t.skip("setsid is not installed");
      return;
    }
    const workspace = await makeTempDir(t);
    const bin = await makeTempDir(t, "apprentice-bin-");
    const marker = `apprentice-setsid-${randomBytes(6).toString("hex")}`;
    const script = path.join(bin, "daemonize");
    // The sleeper carries the marker in its environment; the script waits until it has called setsid (it execs
    // sleep right after), so the escape is real when the script exits.
    await writeFile(
      script,
      `#!/bin/sh\nexport MARK=${marker}\nsetsid sleep 30 </dev/null >/dev/null 2>&1 &\necho $!\n` +
        "i=0\nwhile [ $i -lt 200 ] && ! grep -q '(sleep)' /proc/$!/stat 2>/dev/null; do sleep 0.01; i=$((i + 1)); done\n",
    );
    await chmod(script, 0o755);
    const context = makeToolContext(workspace, { allowCommands: ["daemonize"], commandDirs: [bin], sandbox });
    const outcome = await runCommandTool.execute({ command: "daemonize", args: [] }, context);
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
    const survivors = await waitForMarkedProcesses(marker, 1000);
    killPids(survivors);
    assert.deepEqual(survivors, [], `the setsid sleeper outlived the run (${outcome.output})`);
  });
}
