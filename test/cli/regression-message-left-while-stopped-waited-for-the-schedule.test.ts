// Regression (found by killing and restarting the daemon as an operator): a message dropped in the inbox while no
// daemon ran raised no watcher event at the next start, so it waited for the next scheduled slot (here: a year).
// A daemon that starts with files waiting in the inbox now wakes for them at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("start with a message already in the inbox runs a cycle for it at once", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    inbox: { "left-while-down.md": "Please list eggs too." },
    config: { schedule: { cron: "0 0 1 1 *", catchUp: false, debounceMs: 100 } },
  });
  t.after(cleanup);
  const daemon = startCli(["start", "--state", dir], { APPRENTICE_LOG: "info" });
  try {
    await daemon.waitFor(/cycle starting: change \(inbox\/left-while-down\.md\)/, 20_000);
    await daemon.waitFor(/cycle \d+ (ran|failed) in/, 60_000);
  } finally {
    daemon.child.kill("SIGTERM");
    assert.equal(await daemon.exited, 0, daemon.output());
  }
  assert.deepEqual(await readdir(path.join(dir, "inbox", ".processed")), ["c1-left-while-down.md"]);
});
