import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { runCommandTool } from "../../src/tools/run-command.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { killPids, waitForMarkedProcesses } from "../support/marked-processes.js";
import { makeTempDir, makeToolContext, testLimits } from "./tool-context.js";

test("a command past its timeout is killed and reported", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, {
    allowCommands: ["sleep"],
    limits: { ...testLimits, commandTimeoutMs: 300 },
  });
  const started = Date.now();
  const outcome = await runCommandTool.execute({ command: "sleep", args: ["5"] }, context);
  assert.ok(Date.now() - started < 2500, "returned long before sleep would end");
  assert.equal(outcome.ok, false);
  assert.equal(outcome.ok ? "" : outcome.error, "timed out after 300 ms");
  assert.match(outcome.output ?? "", /^exit code: none \(signal SIGKILL\)/);
});

for (const mode of ["none", "bwrap"] as const) {
  test(`the timeout kills the whole process group, background children included (sandbox mode ${mode})`, async (t) => {
    const workspace = await makeTempDir(t);
    const marker = `apprentice-timeout-${randomBytes(6).toString("hex")}`;
    const context = makeToolContext(workspace, {
      allowCommands: ["sh"],
      limits: { ...testLimits, commandTimeoutMs: 500 },
      sandbox: { ...DEFAULT_SANDBOX_SETTINGS, mode },
    });
    const outcome = await runCommandTool.execute(
      { command: "sh", args: ["-c", `MARK=${marker} sleep 30 & echo started; wait`] },
      context,
    );
    assert.equal(outcome.ok, false);
    assert.match(outcome.output ?? "", /\nstarted$/);
    const survivors = await waitForMarkedProcesses(marker, 2000);
    killPids(survivors);
    assert.deepEqual(survivors, [], "the background sleep survived");
  });
}

test("a flooding command is capped and cannot block on a full pipe", async (t) => {
  const workspace = await makeTempDir(t);
  const limits = { ...testLimits, maxOutputBytes: 1024, commandTimeoutMs: 300 };
  const context = makeToolContext(workspace, { allowCommands: ["yes", "seq"], limits });

  const flood = await runCommandTool.execute({ command: "yes", args: [] }, context);
  assert.equal(flood.ok, false);
  assert.equal(flood.ok ? "" : flood.error, "timed out after 300 ms");
  const output = flood.output ?? "";
  assert.ok(output.endsWith("\n[output truncated]"));
  const body = output.slice(output.indexOf("\n") + 1, -"\n[output truncated]".length);
  assert.ok(Buffer.byteLength(body) <= 1024, `kept ${Buffer.byteLength(body)} bytes`);

  // seq writes ~1.3 MB and exits on its own: only a reader that keeps draining lets it finish in time.
  const long = await runCommandTool.execute(
    { command: "seq", args: ["1", "200000"] },
    { ...context, limits: { ...limits, commandTimeoutMs: 5000 } },
  );
  assert.ok(long.ok, long.ok ? "" : long.error);
  assert.ok(long.output.startsWith("exit code: 0\n1\n2\n3\n"));
  assert.ok(long.output.endsWith("[output truncated]"));
});
