// Regression: disposing the session while the model generates (the daemon killed or stopped mid-step) ends that step as a model error; before, node-llama-cpp threw from inside its decoding loop and the process died with a stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { createMemoryLogger } from "../../src/log.js";
import { testModel } from "../support/state-fixture.js";

const SCHEMA = {
  type: "object",
  properties: { note: { type: "string" } },
  required: ["note"],
  additionalProperties: false,
} as const;

test("dispose() during a decision waits for the generation to stop, and the decision is a model error", async () => {
  const brain = new LlamaBrain(createMemoryLogger());
  const modelPath = await testModel();
  let cut = 0;
  for (const delayMs of [5, 20, 60]) {
    const opened = await brain.open({
      modelPath,
      contextSize: 1024,
      threads: 1,
      temperature: 1,
      seed: delayMs,
      maxTokensPerStep: 400,
    });
    assert.ok(opened.ok, opened.ok ? "" : opened.reason);
    const deciding = opened.session.decide({ sections: [], turns: [], request: "Write a long note." }, SCHEMA);
    await sleep(delayMs);
    await opened.session.dispose();
    const decision = await deciding;
    // A run that finished before the dispose is fine too (SCHEMA names no tool, so its output is invalid-output);
    // one that was cut is a model error naming the unload.
    if (!decision.ok && decision.reason === "model-error") {
      assert.match(decision.detail, /unloaded/);
      cut += 1;
    } else assert.ok(decision.ok || decision.reason === "invalid-output", JSON.stringify(decision));
    const after = await opened.session.decide({ sections: [], turns: [], request: "Again." }, SCHEMA);
    assert.equal(after.ok, false);
    assert.equal(after.ok ? "" : after.reason, "model-error");
  }
  assert.ok(cut > 0, "a dispose 5 ms into a decision cuts it");
});
