// `apprentice start --serve` runs the status page inside the daemon: it reports the daemon running with its pid and the recorded cycles, and closes on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startCli } from "../support/cli-process.js";
import { EXPECTED, makeStatusState } from "./helpers/status-fixture.js";

test("start --serve --token: the page needs the token, shows this daemon running and the recorded cycles, and is gone after SIGTERM", async (t) => {
  const { dir, cleanup } = await makeStatusState("0 0 1 1 *", true);
  t.after(cleanup);
  const token = "daemon-token-0123456789";
  const run = startCli(["start", "--state", dir, "--serve", "--port", "0", "--token", token]);
  t.after(() => run.child.kill("SIGKILL"));
  const line = await run.waitFor(/status page at http:\/\/127\.0\.0\.1:\d+\/ \(token required\)/);
  const url = /http:\S+/.exec(line)?.[0] ?? "";
  await run.waitFor(/apprentice started/);
  // A catch-up cycle may run meanwhile: it finds the goal met without the model and records no cycle.

  assert.equal((await fetch(url)).status, 401);
  const response = await fetch(`${url}status.json`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const report = (await response.json()) as {
    daemon: { status: string; pid?: number };
    db: { cycleCount: number; recentCycles: Array<{ cycle: number }> };
    schedule: { cron: string; nextWakeAt?: string };
  };
  assert.deepEqual(report.daemon.status, "running");
  assert.equal(report.daemon.pid, run.child.pid);
  assert.equal(report.db.cycleCount, EXPECTED.cycles);
  assert.equal(report.db.recentCycles[0]?.cycle, EXPECTED.cycles);
  assert.equal(report.schedule.cron, "0 0 1 1 *");
  const nextWake = new Date(report.schedule.nextWakeAt ?? "");
  assert.deepEqual([nextWake.getMonth(), nextWake.getDate(), nextWake.getHours(), nextWake.getMinutes()], [0, 1, 0, 0]);

  run.child.kill("SIGTERM");
  assert.equal(await run.exited, 0);
  assert.match(run.output(), /stopped cleanly/);
  await assert.rejects(fetch(url), "the page stops with the daemon");
});
