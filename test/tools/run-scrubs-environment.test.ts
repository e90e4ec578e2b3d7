import { test } from "node:test";
import assert from "node:assert/strict";
import { runCommandTool } from "../../src/tools/run-command.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

for (const mode of ["none", "bwrap"] as const) {
  test(`the child sees only PATH, HOME (/dev/null), LANG, TZ and its run token (and bwrap's PWD), never the daemon's secrets (sandbox mode ${mode})`, async (t) => {
    const workspace = await makeTempDir(t);
    process.env.APPRENTICE_TEST_SECRET = "hunter2-do-not-leak";
    t.after(() => delete process.env.APPRENTICE_TEST_SECRET);
    const context = makeToolContext(workspace, {
      allowCommands: ["env"],
      sandbox: { ...DEFAULT_SANDBOX_SETTINGS, mode },
    });

    const outcome = await runCommandTool.execute({ command: "env", args: [] }, context);
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
    assert.ok(!outcome.output.includes("hunter2-do-not-leak"));
    // bwrap sets PWD to the directory it changed into.
    const lines = outcome.output
      .split("\n")
      .slice(1)
      .filter((line) => !line.startsWith("TZ=") && !(mode === "bwrap" && line === `PWD=${workspace}`));
    const token = lines.find((line) => line.startsWith("APPRENTICE_RUN="));
    assert.match(token ?? "", /^APPRENTICE_RUN=[0-9a-f]{24}$/);
    assert.deepEqual(lines.filter((line) => line !== token).sort(), [
      "HOME=/dev/null",
      "LANG=C.UTF-8",
      "PATH=/usr/local/bin:/usr/bin:/bin",
    ]);
  });
}
