// Found by the soak: on SIGTERM the daemon ends the model process at once, and a cycle that was sizing the model
// (or loading it) at that moment reported "cycle failed: the model process failed while estimating memory". The stop
// is not a fault of the model: the cycle now ends as skipped (stopping), or as stopped once it has a number, and
// db.json keeps no skip record for it. Found by trying it as an operator: a stop while the model was writing a reply
// recorded a failed "(model-error)" step; the cut-off reply is now no step at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

/** A brain whose model process is ended by the stop: the estimate or the load fails as the signal aborts. */
class StoppedBrain extends ScriptedBrain {
  constructor(
    private readonly stop: AbortController,
    private readonly during: "estimate" | "open" | "decide",
  ) {
    super([]);
  }

  override async estimate(): ReturnType<ScriptedBrain["estimate"]> {
    if (this.during !== "estimate") return super.estimate();
    this.stop.abort(new Error("stopped by SIGTERM"));
    return { ok: false, reason: "the model process failed while estimating memory: the model process ended (code 0)" };
  }

  override async open(): ReturnType<ScriptedBrain["open"]> {
    if (this.during === "decide") {
      const opened = await super.open();
      if (!opened.ok) return opened;
      const stop = this.stop;
      return {
        ok: true,
        session: {
          ...opened.session,
          async decide() {
            stop.abort(new Error("stopped by SIGTERM"));
            return { ok: false, reason: "model-error", detail: "the model process ended (code 0)" };
          },
        },
      };
    }
    if (this.during !== "open") return super.open();
    this.stop.abort(new Error("stopped by SIGTERM"));
    return { ok: false, reason: "the model process failed while loading m.gguf: the model process ended (code 0)" };
  }
}

for (const during of ["estimate", "open", "decide"] as const) {
  test(`a stop during the model's ${during} ends the cycle as stopped, not as a failure of the model`, async (t) => {
    const { dir, cleanup } = await makeStateDir();
    t.after(cleanup);
    const stop = new AbortController();
    const logger = createMemoryLogger();
    const state = await openState(dir, { logger, clock: () => new Date() });
    try {
      const result = await runCycle(
        buildCycleDeps(state, {
          brain: new StoppedBrain(stop, during),
          logger,
          clock: () => new Date(),
          signal: stop.signal,
        }),
      );
      if (during === "estimate") {
        assert.equal(result.status, "skipped");
        assert.equal(result.status === "skipped" ? result.reason : "", "stopping");
        assert.match(result.status === "skipped" ? result.detail : "", /stopped by SIGTERM while sizing the model/);
        const db = await readDbData(path.join(dir, "db.json"));
        assert.equal(db.lastSkip, undefined, "a stop is not recorded as a skip for the operator to worry about");
      } else {
        assert.equal(result.status, "stopped", "recorded as stopped, not failed (issue 17, bug 7)");
        assert.equal(
          result.status === "stopped" ? result.reason : "",
          "aborted: stopped by SIGTERM",
          "aborted by the stop, not a model error",
        );
        if (during === "decide") {
          const episodes = await readFile(path.join(dir, "episodes.jsonl"), "utf8").catch(() => "");
          assert.doesNotMatch(episodes, /model-error/, "the cut-off reply is no failed step");
        }
      }
      assert.ok(
        !logger.lines.some((line) => /estimating memory|while loading/.test(line) && /error/.test(line)),
        logger.lines.join("\n"),
      );
    } finally {
      await state.close();
    }
  });
}
