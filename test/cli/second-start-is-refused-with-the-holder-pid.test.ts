import { test } from "node:test";
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import path from "node:path";
import { runCli, startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("a second start on the same state dir exits non-zero naming the running daemon's pid; SIGTERM stops the first cleanly", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    workspace: { "shopping.txt": "milk\n" },
    config: { schedule: { cron: "0 0 1 1 *" } },
  });
  t.after(cleanup);
  const first = startCli(["start", "--state", dir]);
  t.after(() => first.child.kill("SIGKILL"));
  await first.waitFor(/apprentice started/);

  const second = await runCli(["start", "--state", dir]);
  assert.equal(second.code, 2);
  assert.match(second.output, new RegExp(`pid ${first.child.pid}`));
  const once = await runCli(["once", "--state", dir]);
  assert.equal(once.code, 2, "once is a writer too and must respect the lock");

  first.child.kill("SIGTERM");
  assert.equal(await first.exited, 0);
  assert.match(first.output(), /stopped cleanly/);
  await assert.rejects(stat(path.join(dir, "daemon.lock")), /ENOENT/, "the lock is released");
});
