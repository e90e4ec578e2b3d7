// Issue 14, finding 7: a model process orphaned by a SIGKILLed daemon kept spinning in a chat template for 6 minutes.
// It now dies with its parent, under either guard: the kernel's parent-death signal (setpriv), or the watchdog thread
// used where setpriv is missing, which works while the model's main thread is blocked in the template.
import { test } from "node:test";
import assert from "node:assert/strict";
import { killParentOfSpinningModel, spinningModel } from "../support/hostile-model.js";

/** The brief's bound for "gone": the watchdog looks every 500 ms; the rest is for a shared, busy test machine. */
const GONE_WITHIN_MS = 2_000;

for (const guard of ["pdeathsig", "watchdog"] as const) {
  test(
    `a model process spinning in its chat template dies within 2 s of its parent's SIGKILL (${guard})`,
    { timeout: 180_000 },
    async (t) => {
      // Killed after two seconds of CPU: past the binding's load, inside the template's renders.
      const outcome = await killParentOfSpinningModel(guard, await spinningModel("load"), GONE_WITHIN_MS);
      t.diagnostic(
        `the model process was gone ${String(outcome.goneAfterMs)} ms after its parent was killed (it had spun ${outcome.cpuSecondsAtKill} s of CPU)`,
      );
      assert.notEqual(
        outcome.goneAfterMs,
        undefined,
        `the model process (pid ${outcome.workerPid}) still ran ${GONE_WITHIN_MS} ms after its parent was killed`,
      );
    },
  );
}
