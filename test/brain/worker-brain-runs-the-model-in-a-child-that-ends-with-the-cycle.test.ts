// WorkerBrain: the model in a child process for one cycle. It estimates, loads, decides and disposes like LlamaBrain;
// the child is gone after dispose (or soon after an estimate with no load), and a child that dies mid-decision is a
// model error for that step, not a crash of the daemon.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { buildActionSchema } from "../../src/brain/action-schema.js";
import { WorkerBrain } from "../../src/brain/worker-brain.js";
import { createMemoryLogger } from "../../src/log.js";
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
const prompt = {
  sections: [{ id: "goals", title: "Goals", text: "Say done.", share: 1 }],
  turns: [],
  request: "Reply with one JSON action.",
};

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("estimate, open, decide and dispose go through one child process, which has exited when dispose returns", async () => {
  const brain = new WorkerBrain(createMemoryLogger());
  const modelPath = await testModel();
  const estimate = await brain.estimate(modelPath, 1024);
  assert.ok(estimate.ok, JSON.stringify(estimate));
  assert.equal(estimate.estimate.contextSize, 1024);
  const pid = brain.workerPid;
  assert.ok(alive(pid), "the estimate started the model process");
  const opened = await brain.open({
    modelPath,
    contextSize: 1024,
    threads: 1,
    temperature: 0.5,
    seed: 3,
    maxTokensPerStep: 64,
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  assert.equal(brain.workerPid, pid, "the load reuses the process the estimate started");
  const decision = await opened.session.decide(prompt, schema);
  assert.ok(decision.ok || decision.reason === "invalid-output", JSON.stringify(decision));
  assert.ok((decision.ok ? decision.usage : decision.usage)?.generatedTokens !== undefined);
  await opened.session.dispose();
  assert.equal(alive(pid), false, "the model process is gone after dispose");
  assert.equal(brain.workerPid, undefined);
  const after = await opened.session.decide(prompt, schema);
  assert.deepEqual(after.ok === false && after.reason, "model-error");
});

test("a model process killed mid-decision makes that decision a model error; the next cycle gets a new process", async () => {
  const brain = new WorkerBrain(createMemoryLogger());
  const modelPath = await testModel();
  const opened = await brain.open({
    modelPath,
    contextSize: 1024,
    threads: 1,
    temperature: 1,
    seed: 4,
    maxTokensPerStep: 700,
  });
  assert.ok(opened.ok);
  const pending = opened.session.decide(prompt, schema);
  await sleep(100);
  process.kill(brain.workerPid ?? assert.fail("no worker"), "SIGKILL");
  const decision = await pending;
  assert.equal(decision.ok, false);
  assert.ok(
    !decision.ok && decision.reason === "model-error" && /model process ended \(signal SIGKILL\)/.test(decision.detail),
    JSON.stringify(decision),
  );
  await opened.session.dispose();
  const again = await brain.open({
    modelPath,
    contextSize: 1024,
    threads: 1,
    temperature: 1,
    seed: 4,
    maxTokensPerStep: 16,
  });
  assert.ok(again.ok);
  await again.session.dispose();
});

test("an estimate with no load after it (a skipped cycle) ends the model process after the idle wait", async () => {
  const brain = new WorkerBrain(createMemoryLogger(), { idleExitMs: 300 });
  assert.ok((await brain.estimate(await testModel(), 512)).ok);
  const pid = brain.workerPid;
  assert.ok(alive(pid));
  await sleep(1500);
  assert.equal(alive(pid), false);
  const aborted = new AbortController();
  aborted.abort(new DOMException("step timed out", "TimeoutError"));
  const opened = await brain.open({
    modelPath: await testModel(),
    contextSize: 1024,
    threads: 1,
    temperature: 1,
    seed: 1,
    maxTokensPerStep: 700,
  });
  assert.ok(opened.ok);
  const decision = await opened.session.decide(prompt, schema, aborted.signal);
  assert.deepEqual(
    decision.ok === false && decision.reason,
    "timeout",
    "a step timeout is still a timeout across the process boundary",
  );
  await opened.session.dispose();
  await brain.close();
});
