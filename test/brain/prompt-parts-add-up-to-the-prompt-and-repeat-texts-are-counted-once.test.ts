// A step's prompt tokens split into sections, turns, request and the chat template's frame, counted with the model's tokenizer: the parts add up to the whole, and a text seen before is not tokenized again.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { ChatHistoryItem } from "node-llama-cpp";
import type { Prompt, PromptSection, PromptTokenParts } from "../../src/brain/brain.js";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { renderSections } from "../../src/brain/prompt-budget.js";
import { SectionTokenCounter } from "../../src/brain/section-tokens.js";
import { createMemoryLogger } from "../../src/log.js";
import { ensureStandInModel } from "../../src/brain/stand-in-model.js";
import { TEST_CACHE_DIR, testModel } from "../support/state-fixture.js";

const SECTIONS: PromptSection[] = [
  { id: "charter", title: "Charter", text: "You keep the workspace tidy and write short reports.", share: 0.4 },
  { id: "goals", title: "Goals due now", text: "- report: write report.txt with today's date.", share: 0.3 },
  { id: "empty", title: "Nothing", text: "   ", share: 0.1 },
  { id: "inbox", title: "Inbox", text: "Please add milk to the list.", share: 0.2, quoted: true },
];

const SCHEMA = {
  type: "object",
  properties: {
    thought: { type: "string", maxLength: 40 },
    tool: { const: "finish" },
    args: { type: "object", properties: {}, additionalProperties: false },
  },
  required: ["thought", "tool", "args"],
  additionalProperties: false,
} as const;

/** Opens `modelPath`, decides one step of a prompt with sections and an earlier turn, and checks its parts. */
async function assertPartsAddUp(t: TestContext, modelPath: string): Promise<PromptTokenParts> {
  const brain = new LlamaBrain(createMemoryLogger());
  const opened = await brain.open({
    modelPath,
    contextSize: 1024,
    threads: 1,
    temperature: 0,
    seed: 1,
    maxTokensPerStep: 48,
  });
  assert.ok(opened.ok, opened.ok ? "" : opened.reason);
  const session = opened.session;
  t.after(() => session.dispose());
  const prompt: Prompt = {
    sections: SECTIONS,
    turns: [{ request: "Step 1: what now?", action: '{"thought":"look","tool":"list_dir","args":{}}' }],
    request: "Step 2: the listing was empty. What now?",
  };
  const decision = await session.decide(prompt, SCHEMA as never);
  const usage = decision.usage;
  assert.ok(usage !== undefined, JSON.stringify(decision));
  const parts = usage.promptParts;
  assert.ok(parts !== undefined);
  assert.deepEqual(
    parts.sections.map((section) => section.id),
    ["charter", "goals", "inbox"],
    "sections in prompt order; an empty one is not rendered, so not listed",
  );
  for (const section of parts.sections) {
    const alone = session.countTokens(
      renderSections([SECTIONS.find((each) => each.id === section.id) as PromptSection]),
    );
    assert.equal(section.tokens, alone, `${section.id} counted as rendered, heading included`);
  }
  assert.equal(
    parts.turns,
    session.countTokens(prompt.turns[0]?.request ?? "") + session.countTokens(prompt.turns[0]?.action ?? ""),
  );
  assert.equal(parts.request, session.countTokens(prompt.request));
  const sum =
    parts.sections.reduce((total, section) => total + section.tokens, 0) + parts.turns + parts.request + parts.frame;
  assert.equal(sum, usage.promptTokens);
  assert.ok(
    parts.frame > 0 && parts.frame < usage.promptTokens / 4,
    `the frame is the template's share only: ${parts.frame}`,
  );
  assert.equal(usage.contextSize, session.contextSize);
  return parts;
}

test("a decision on the test model splits its prompt into parts that add up to promptTokens", async (t) => {
  await assertPartsAddUp(t, await testModel());
});

test("on the Qwen2.5 stand-in the parts add up too, and the frame is ChatML's markers", async (t) => {
  const parts = await assertPartsAddUp(t, await ensureStandInModel("qwen2.5", TEST_CACHE_DIR));
  // <|im_start|>system\n … <|im_end|>\n around the system, each user and the model turn: a handful of tokens each.
  assert.ok(parts.frame >= 10 && parts.frame <= 40, `frame ${parts.frame}`);
});

test("the counter tokenizes each distinct text once: a later step counts only its new request and reply", () => {
  const counted: string[] = [];
  const counter = new SectionTokenCounter((text) => {
    counted.push(text);
    return text.length;
  });
  const history = (turns: number): ChatHistoryItem[] => [
    { type: "system", text: renderSections(SECTIONS) },
    ...Array.from({ length: turns }, (_, index): ChatHistoryItem[] => [
      { type: "user", text: `request ${index}` },
      { type: "model", response: [`reply ${index}`] },
    ]).flat(),
    { type: "user", text: `request ${turns}` },
    { type: "model", response: [] },
  ];
  const first = counter.split(SECTIONS, history(0), 500);
  assert.equal(first.request, "request 0".length);
  assert.equal(first.turns, 0);
  counted.length = 0;
  const second = counter.split(SECTIONS, history(1), 600);
  assert.deepEqual(counted, ["reply 0", "request 1"], "the sections and the earlier request came from the cache");
  assert.equal(second.turns, "request 0".length + "reply 0".length);
  assert.equal(
    second.sections.reduce((sum, part) => sum + part.tokens, 0) + second.turns + second.request + second.frame,
    600,
  );
});
