// The brain renders each family's stand-in through that family's own wrapper (not a generic fallback), the rendered
// prompt is what the family's real chat template renders with thinking off, and Qwen3's and SmolLM3's prompts end in
// the empty thought that keeps the model from spending tokens on one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JinjaTemplateChatWrapper, resolveChatWrapper, type ChatHistoryItem } from "node-llama-cpp";
import { loadLlamaBinding } from "../../src/brain/llama-binding.js";
import { resolveAgentChatWrapper } from "../../src/brain/resolve-agent-chat-wrapper.js";
import { ensureStandInModel, type StandInFamily } from "../../src/brain/stand-in-model.js";
import { createConsoleLogger } from "../../src/log.js";
import { TEST_CACHE_DIR } from "../support/state-fixture.js";

const HISTORY: ChatHistoryItem[] = [
  { type: "system", text: "You tend the board." },
  { type: "user", text: "Step 1." },
  { type: "model", response: ['{"tool":"list_dir"}'] },
  { type: "user", text: "Step 2." },
  { type: "model", response: [] },
];

/**
 * The wrapper node-llama-cpp picks for each family, and how the prompt ends. node-llama-cpp has no SmolLM3 wrapper,
 * and its ChatML one does not render SmolLM3's metadata header, so SmolLM3's own template runs as Jinja.
 */
const EXPECTED: Record<StandInFamily, { wrapper: string; ending: string }> = {
  "qwen2.5": { wrapper: "QwenChatWrapper", ending: "<|im_start|>assistant\n" },
  qwen3: { wrapper: "QwenChatWrapper", ending: "<|im_start|>assistant\n<think>\n\n</think>\n\n" },
  "llama3.2": {
    wrapper: "Llama3_2LightweightChatWrapper",
    ending: "<|start_header_id|>assistant<|end_header_id|>\n\n",
  },
  smollm3: { wrapper: "JinjaTemplateChatWrapper", ending: "<|im_start|>assistant\n<think>\n\n</think>\n" },
};

/** Llama 3.2's template writes the day with a leading zero (`07 Dec`), node-llama-cpp's wrapper without (`7 Dec`). */
function sameDayFormat(text: string): string {
  return text.replace(/Today Date: 0?(\d)/, "Today Date: $1");
}

for (const family of Object.keys(EXPECTED) as StandInFamily[]) {
  test(`the ${family} stand-in renders through ${EXPECTED[family].wrapper} as its template does, thinking off`, async () => {
    const llama = await loadLlamaBinding(createConsoleLogger("error"));
    const model = await llama.loadModel({
      modelPath: await ensureStandInModel(family, TEST_CACHE_DIR),
      vocabOnly: true,
    });
    try {
      const wrapper = resolveAgentChatWrapper(resolveChatWrapper, model);
      assert.equal(wrapper.constructor.name, EXPECTED[family].wrapper);
      const rendered = wrapper.generateContextState({ chatHistory: HISTORY }).contextText.toString();
      const template = model.fileInfo.metadata.tokenizer.chat_template;
      assert.ok(typeof template === "string");
      const reference = new JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer, reasoning: false });
      const byTemplate = reference.generateContextState({ chatHistory: HISTORY }).contextText.toString();
      assert.equal(sameDayFormat(rendered), sameDayFormat(byTemplate));
      assert.ok(rendered.endsWith(EXPECTED[family].ending), JSON.stringify(rendered.slice(-80)));
      assert.ok(!rendered.includes("/think\n"), "no template says thinking is on");
    } finally {
      await model.dispose();
    }
  });
}
