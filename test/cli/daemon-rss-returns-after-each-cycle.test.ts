import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readRssMB, startCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("the daemon's RSS comes back to within 20 MB of its pre-cycle level after every cycle, the first included: the model runs in its own process", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    workspace: { "shopping.txt": "milk\n" },
    config: {
      schedule: { cron: "0 0 1 1 *", debounceMs: 100 },
      limits: { maxSteps: 4 },
      model: { maxTokensPerStep: 300 },
    },
  });
  t.after(cleanup);
  const daemon = startCli(["start", "--state", dir]);
  t.after(() => daemon.child.kill("SIGKILL"));
  const pid = daemon.child.pid ?? assert.fail("no pid");
  await daemon.waitFor(/cycle skipped \(nothing-to-do\)/);
  const idleMB = readRssMB(pid);
  await sleep(500);

  const figures: Array<{ cycle: number; beforeMB: number; midMB: number; afterMB: number }> = [];
  for (const cycle of [1, 2, 3]) {
    const beforeMB = readRssMB(pid);
    await writeFile(path.join(dir, "inbox", `m${cycle}.md`), `message ${cycle}`);
    await daemon.waitFor(new RegExp(`cycle ${cycle}: step 1 `), 30_000);
    const midMB = readRssMB(pid);
    // The model lives in a child process: the daemon itself never maps llama.cpp.
    assert.ok(
      midMB - beforeMB < 20,
      `cycle ${cycle} mid-step: ${beforeMB.toFixed(1)} MB before, ${midMB.toFixed(1)} MB now`,
    );
    await daemon.waitFor(new RegExp(`cycle ${cycle} (ran|failed) in`), 60_000);
    await sleep(500);
    const afterMB = readRssMB(pid);
    figures.push({ cycle, beforeMB, midMB, afterMB });
  }
  daemon.child.kill("SIGTERM");
  assert.equal(await daemon.exited, 0);
  console.log(
    `daemon RSS (MB): idle ${idleMB.toFixed(1)}, ${JSON.stringify(figures.map((f) => ({ ...f, beforeMB: +f.beforeMB.toFixed(1), midMB: +f.midMB.toFixed(1), afterMB: +f.afterMB.toFixed(1) })))}`,
  );
  for (const figure of figures) {
    assert.ok(
      figure.afterMB - figure.beforeMB < 20,
      `cycle ${figure.cycle}: ${figure.beforeMB.toFixed(1)} MB before, ${figure.afterMB.toFixed(1)} MB after`,
    );
  }
});
