// Issue 17, bug 1: the daemon's log showed llama.cpp's load warnings ("load: control-looking token …") as bare lines,
// without time or level, written by native code to the model process's inherited stdout. Now they are logger lines on
// stderr, and nothing the model process prints reaches the daemon's stdout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import {
  assertWarningOnlyAsLoggerLines,
  CONTROL_LOOKING_WARNING,
  warningTestModel,
} from "../support/native-log-lines.js";

test("the daemon logs llama.cpp's load warning with time and level, and prints nothing on stdout", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    inbox: { "hi.md": "hello" },
    config: {
      model: { path: await warningTestModel() },
      schedule: { cron: "0 0 1 1 *", catchUp: false, debounceMs: 100 },
    },
  });
  t.after(cleanup);
  const daemon = startCli(["start", "--state", dir], { APPRENTICE_LOG: "info" });
  try {
    await daemon.waitFor(/cycle \d+ (ran|failed) in/, 60_000);
    await daemon.waitFor(CONTROL_LOOKING_WARNING, 5_000);
  } finally {
    daemon.child.kill("SIGTERM");
    assert.equal(await daemon.exited, 0, daemon.output());
  }
  assert.equal(daemon.stdout(), "", "the daemon writes its log to stderr only");
  assert.ok(assertWarningOnlyAsLoggerLines(daemon.output()) >= 1, daemon.output());
});
