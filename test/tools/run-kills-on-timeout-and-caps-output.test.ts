import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext, testLimits } from "./tool-context.js";

/** True while `pid` is a live (not zombie) process. */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

test("a command past its timeout is killed and reported", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["sleep"], limits: { ...testLimits, commandTimeoutMs: 300 } });
  const started = Date.now();
  const outcome = await runCommandTool.execute({ command: "sleep", args: ["5"] }, context);
  assert.ok(Date.now() - started < 2500, "returned long before sleep would end");
  assert.equal(outcome.ok, false);
  assert.equal(outcome.ok ? "" : outcome.error, "timed out after 300 ms");
  assert.match(outcome.output ?? "", /^exit code: none \(signal SIGKILL\)/);
});

test("the timeout kills the whole process group, background children included", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { allowCommands: ["sh"], limits: { ...testLimits, commandTimeoutMs: 500 } });
  const outcome = await runCommandTool.execute({ command: "sh", args: ["-c", "sleep 30 & echo $!; wait"] }, context);
  assert.equal(outcome.ok, false);
  const pid = Number((outcome.output ?? "").split("\n")[1]);
  assert.ok(Number.isInteger(pid) && pid > 0, `background pid in ${JSON.stringify(outcome.output)}`);
  let alive = true;
  for (let attempt = 0; attempt < 20 && alive; attempt++) {
    alive = await isAlive(pid);
    if (alive) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(alive, false, `background sleep ${pid} survived`);
});

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
  const long = await runCommandTool.execute({ command: "seq", args: ["1", "200000"] }, { ...context, limits: { ...limits, commandTimeoutMs: 5000 } });
  assert.ok(long.ok, long.ok ? "" : long.error);
  assert.ok(long.output.startsWith("exit code: 0\n1\n2\n3\n"));
  assert.ok(long.output.endsWith("[output truncated]"));
});
