// Regression: a prompt that fills most of the context (past node-llama-cpp's default 10% shift reserve) is evaluated whole, from its first token.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import type { BrainSession, Prompt } from "../../src/brain/brain.js";
import { createMemoryLogger } from "../../src/log.js";
import { testModel } from "../support/state-fixture.js";

const CONTEXT_SIZE = 1024;
const MAX_TOKENS = 24;
const SCHEMA = {
  type: "object",
  properties: { tool: { const: "finish" } },
  required: ["tool"],
  additionalProperties: false,
} as const;

test("a prompt longer than 90% of the context loses none of its front", async () => {
  const brain = new LlamaBrain(createMemoryLogger());
  const opened = await brain.open({
    modelPath: await testModel(),
    contextSize: CONTEXT_SIZE,
    threads: 1,
    temperature: 0,
    seed: 3,
    maxTokensPerStep: MAX_TOKENS,
  });
  assert.ok(opened.ok, opened.ok ? "" : opened.reason);
  const session: BrainSession = opened.session;
  try {
    // The request is cut to what fits beside the reply, so the prompt ends up near CONTEXT_SIZE − MAX_TOKENS.
    const prompt: Prompt = {
      sections: [{ id: "charter", title: "Charter", text: "Keep the notes tidy.", share: 1 }],
      turns: [],
      request: "word ".repeat(3000),
    };
    const first = await session.decide(prompt, SCHEMA);
    const usage = first.usage;
    assert.ok(usage !== undefined, JSON.stringify(first));
    assert.ok(
      usage.promptTokens > CONTEXT_SIZE * 0.9,
      `prompt of ${usage.promptTokens} tokens, meant to pass 90% of ${CONTEXT_SIZE}`,
    );
    assert.ok(usage.promptTokens + MAX_TOKENS <= CONTEXT_SIZE);
    // A fresh sequence evaluates every prompt token (the token meter counts the last one, whose logits are sampled, as
    // output); node-llama-cpp's default shift reserve would have kept only the last 90% of them.
    assert.equal(usage.evaluatedPromptTokens, usage.promptTokens - 1);
  } finally {
    await session.dispose();
  }
});
