// Issue 17, bug 1: node-llama-cpp's addon keeps one native log callback per process, and a second Llama (the one
// GgufInsights makes when given none, or a second getLlama, as doctor's binding probe made) switched routing off: from
// then on llama.cpp's lines went raw to fd 1 instead of to the logger. Reading a header, probing the binding, estimating
// and loading now share one binding, in any order, and llama.cpp's load warning reaches the logger every time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { inspectGgufFile, probeLlamaBinding } from "../../src/brain/model-inspect.js";
import { createMemoryLogger } from "../../src/log.js";
import { CONTROL_LOOKING_WARNING, warningTestModel } from "../support/native-log-lines.js";

const OPEN = { contextSize: 512, threads: 1, temperature: 0, seed: 1, maxTokensPerStep: 16 };

test("after a header read, a binding probe and an estimate, each model load's llama.cpp warning reaches the logger", async () => {
  const model = await warningTestModel();
  const logger = createMemoryLogger();
  const warnings = (): string[] =>
    logger.lines.filter((line) => CONTROL_LOOKING_WARNING.test(line) && line.startsWith("warn llama.cpp: "));

  const inspection = await inspectGgufFile(model, logger);
  assert.ok(inspection.ok, JSON.stringify(inspection));
  const probe = await probeLlamaBinding(logger);
  assert.ok(probe.ok, JSON.stringify(probe));
  const brain = new LlamaBrain(logger);
  const estimate = await brain.estimate(model, OPEN.contextSize);
  assert.ok(estimate.ok, JSON.stringify(estimate));

  for (const load of [1, 2]) {
    const opened = await brain.open({ modelPath: model, ...OPEN });
    assert.ok(opened.ok, opened.ok ? "" : opened.reason);
    await opened.session.dispose();
    assert.ok(warnings().length >= load, `load ${load}: the warning reached the logger:\n${logger.lines.join("\n")}`);
  }
});
