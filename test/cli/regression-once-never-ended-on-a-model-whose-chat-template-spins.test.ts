// Issue 14, finding 7: `apprentice once` loaded the model in its own thread, so a GGUF whose chat template spins
// blocked it for good and limits.cycleTimeoutMs could never fire. It now runs the model in a model process like the
// daemon: it ends at the deadline with a failed cycle that says why, and leaves no model process behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startCli } from "../support/cli-process.js";
import { liveProcessesWithEnv, spinningModel } from "../support/hostile-model.js";
import { makeStateDir } from "../support/state-fixture.js";

/**
 * The red team's figure. The model process must start and size the model first (11 s once, on the shared test machine
 * under a load average of 10); the load itself never ends.
 */
const TIMEOUT_MS = 15_000;
/** The CLI's own start (Node, the modules, the state) comes on top of the deadline, on a shared, busy machine. */
const MARGIN_MS = 6_000;

test(
  "once on a model whose chat template spins ends at limits.cycleTimeoutMs and leaves no model process",
  { timeout: 180_000 },
  async (t) => {
    const { dir, cleanup } = await makeStateDir({
      config: { model: { path: await spinningModel("load") }, limits: { cycleTimeoutMs: TIMEOUT_MS } },
    });
    t.after(cleanup);
    // Every process the CLI starts inherits the tag, so its model process can be found in /proc whoever its parent is.
    const tag = randomUUID();
    const started = performance.now();
    const run = startCli(["once", "--state", dir, "--json"], { APPRENTICE_TEST_TAG: tag });
    t.after(() => {
      for (const pid of liveProcessesWithEnv("APPRENTICE_TEST_TAG", tag)) process.kill(pid, "SIGKILL");
    });
    const timer = setTimeout(() => run.child.kill("SIGKILL"), TIMEOUT_MS + 60_000);
    const code = await run.exited;
    clearTimeout(timer);
    const elapsedMs = performance.now() - started;
    t.diagnostic(`once ended ${Math.round(elapsedMs)} ms after it was started (deadline ${TIMEOUT_MS} ms)`);
    assert.equal(code, 1, run.output());
    assert.ok(elapsedMs < TIMEOUT_MS + MARGIN_MS, `once took ${Math.round(elapsedMs)} ms`);
    const result = JSON.parse(run.stdout().trim()) as { status: string; reason: string };
    assert.deepEqual(result, {
      status: "failed",
      cycle: 1,
      reason: `model load or chat template took longer than limits.cycleTimeoutMs (${TIMEOUT_MS} ms); the model process was killed`,
    });
    assert.deepEqual(liveProcessesWithEnv("APPRENTICE_TEST_TAG", tag), [], "no model process is left");
  },
);
