import { test } from "node:test";
import assert from "node:assert/strict";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("the child sees only PATH, HOME (/dev/null), LANG, TZ and its run token, never the daemon's secrets", async (t) => {
  const workspace = await makeTempDir(t);
  process.env.APPRENTICE_TEST_SECRET = "hunter2-do-not-leak";
  t.after(() => delete process.env.APPRENTICE_TEST_SECRET);
  const context = makeToolContext(workspace, { allowCommands: ["env"] });

  const outcome = await runCommandTool.execute({ command: "env", args: [] }, context);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
  assert.ok(!outcome.output.includes("hunter2-do-not-leak"));
  const lines = outcome.output.split("\n").slice(1).filter((line) => !line.startsWith("TZ="));
  const token = lines.find((line) => line.startsWith("APPRENTICE_RUN="));
  assert.match(token ?? "", /^APPRENTICE_RUN=[0-9a-f]{24}$/);
  assert.deepEqual(lines.filter((line) => line !== token).sort(), ["HOME=/dev/null", "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin"]);
});
