// Issue 14, finding 7: a GGUF whose chat template spins node-llama-cpp's Jinja renderer kept a cycle loading for 64 s
// against a 15 s limits.cycleTimeoutMs. The renderer blocks the model process's JavaScript, so it never read the abort
// it was sent; the daemon now kills the process when the signal aborts during a load, when a step's abort goes
// unanswered, and when an open session's own signal (the cycle's deadline) aborts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildActionSchema } from "../../src/brain/action-schema.js";
import { ABORT_ANSWER_MS } from "../../src/brain/model-process.js";
import { WorkerBrain } from "../../src/brain/worker-brain.js";
import { createMemoryLogger } from "../../src/log.js";
import { LONG_CHAT_PROMPT, processEnded, spinningModel } from "../support/hostile-model.js";
import { testModel } from "../support/state-fixture.js";

const schema = buildActionSchema([
  {
    name: "finish",
    args: {
      type: "object",
      properties: { summary: { type: "string", maxLength: 40 } },
      required: ["summary"],
      additionalProperties: false,
    },
  },
]);
const OPTIONS = { contextSize: 1024, threads: 1, temperature: 1, seed: 1, maxTokensPerStep: 16 };
/** Time allowed past the deadline for the kill, the process's exit and the reply (the test machine is shared). */
const MARGIN_MS = 1_500;

test(
  "a load whose chat template spins is killed when its signal aborts, and the next load works",
  { timeout: 120_000 },
  async (t) => {
    const logger = createMemoryLogger();
    const brain = new WorkerBrain(logger);
    const started = performance.now();
    const opening = brain.open({ modelPath: await spinningModel("load"), ...OPTIONS }, AbortSignal.timeout(2_000));
    const pid = brain.workerPid ?? assert.fail("no model process started");
    const opened = await opening;
    const elapsedMs = performance.now() - started;
    t.diagnostic(`ended ${Math.round(elapsedMs)} ms after it started`);
    assert.equal(opened.ok, false, "the spinning load cannot have finished");
    assert.match(opened.ok ? "" : opened.reason, /model process was killed/);
    assert.ok(elapsedMs < 2_000 + MARGIN_MS, `the load ended ${Math.round(elapsedMs)} ms after it started`);
    assert.ok(processEnded(pid), "the model process is gone");
    assert.ok(
      logger.lines.some((line) => /^warn model process killed: .*during open/.test(line)),
      logger.lines.join("\n"),
    );

    const again = await brain.open({ modelPath: await testModel(), ...OPTIONS }, AbortSignal.timeout(60_000));
    assert.ok(again.ok, JSON.stringify(again));
    await again.session.dispose();
  },
);

test(
  "a step whose chat template blocks the model process is killed when the step's abort goes unanswered",
  { timeout: 120_000 },
  async (t) => {
    const brain = new WorkerBrain(createMemoryLogger());
    const opened = await brain.open({ modelPath: await spinningModel("long-chat"), ...OPTIONS });
    assert.ok(opened.ok, JSON.stringify(opened));
    const pid = brain.workerPid ?? assert.fail("no model process");
    const started = performance.now();
    const decision = await opened.session.decide(LONG_CHAT_PROMPT, schema, AbortSignal.timeout(1_000));
    const elapsedMs = performance.now() - started;
    t.diagnostic(`ended ${Math.round(elapsedMs)} ms after it started`);
    assert.equal(decision.ok, false);
    assert.equal(decision.ok ? "" : decision.reason, "model-error");
    assert.match(decision.ok ? "" : decision.detail, /did not answer an abort within \d+ ms/);
    assert.ok(
      elapsedMs < 1_000 + ABORT_ANSWER_MS + MARGIN_MS,
      `the step ended ${Math.round(elapsedMs)} ms after it started`,
    );
    assert.ok(processEnded(pid));
    await opened.session.dispose();
  },
);

test(
  "an open session's process is killed at once when the session's signal aborts mid-step",
  { timeout: 120_000 },
  async (t) => {
    const brain = new WorkerBrain(createMemoryLogger());
    const cycle = new AbortController();
    const opened = await brain.open({ modelPath: await spinningModel("long-chat"), ...OPTIONS }, cycle.signal);
    assert.ok(opened.ok, JSON.stringify(opened));
    const pid = brain.workerPid ?? assert.fail("no model process");
    // No step timeout: only the cycle's signal can end this step.
    const deciding = opened.session.decide(LONG_CHAT_PROMPT, schema);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const abortedAt = performance.now();
    cycle.abort(new DOMException("the cycle took too long", "TimeoutError"));
    const decision = await deciding;
    const elapsedMs = performance.now() - abortedAt;
    t.diagnostic(`ended ${Math.round(elapsedMs)} ms after the abort`);
    assert.deepEqual(decision.ok ? undefined : [decision.reason, decision.detail], [
      "model-error",
      "the model process was killed: the session's signal aborted: the cycle took too long",
    ]);
    assert.ok(elapsedMs < MARGIN_MS, `the step ended ${Math.round(elapsedMs)} ms after the abort`);
    assert.ok(processEnded(pid));
    const after = await opened.session.decide(LONG_CHAT_PROMPT, schema);
    assert.equal(after.ok, false);
    await opened.session.dispose();
  },
);
