import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { findProgram, runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

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

// Bug: killing the process group missed a descendant that had left it with setsid, so it outlived the step.
test("a descendant that left the process group with setsid is killed when the run ends", async (t) => {
  if (!(await findProgram("setsid")).ok) {
    t.skip("setsid is not installed");
    return;
  }
  const workspace = await makeTempDir(t);
  const bin = await makeTempDir(t, "apprentice-bin-");
  const script = path.join(bin, "daemonize");
  // Waits until the sleeper has called setsid (it execs sleep right after), so the escape is real when the script exits.
  await writeFile(
    script,
    "#!/bin/sh\nsetsid sleep 30 </dev/null >/dev/null 2>&1 &\necho $!\n" +
      "i=0\nwhile [ $i -lt 200 ] && ! grep -q '(sleep)' /proc/$!/stat; do sleep 0.01; i=$((i + 1)); done\n",
  );
  await chmod(script, 0o755);
  const context = makeToolContext(workspace, { allowCommands: ["daemonize"], commandDirs: [bin] });
  const outcome = await runCommandTool.execute({ command: "daemonize", args: [] }, context);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
  const pid = Number(outcome.output.split("\n")[1]);
  assert.ok(Number.isInteger(pid) && pid > 0, outcome.output);
  let alive = true;
  for (let attempt = 0; attempt < 20 && alive; attempt++) {
    alive = await isAlive(pid);
    if (alive) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(alive, false, `setsid sleeper ${pid} outlived the run`);
});
