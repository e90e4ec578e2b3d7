// A full cycle runs on each family's stand-in (Qwen2.5, Qwen3, Llama 3.2, SmolLM3), and every step's prompt, as the
// model sees it, is framed by that family's own chat-template markers, with Qwen3's and SmolLM3's thinking off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { ensureStandInModel, type StandInFamily } from "../../src/brain/stand-in-model.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { makeStateDir, TEST_CACHE_DIR } from "../support/state-fixture.js";

/** How each family's rendered prompt begins and ends (as the debug line JSON-quotes them). */
const FRAMES: Record<StandInFamily, { begins: string; ends: string }> = {
  "qwen2.5": { begins: "<|im_start|>system\n", ends: "<|im_end|>\n<|im_start|>assistant\n" },
  qwen3: { begins: "<|im_start|>system\n", ends: "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n" },
  "llama3.2": {
    begins: "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n",
    ends: "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
  },
  smollm3: {
    begins: "<|im_start|>system\n## Metadata\n\nKnowledge Cutoff Date: June 2025\nReasoning Mode: /no_think",
    ends: "<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n",
  },
};

const PROMPT_LINE =
  /^debug prompt as the model sees it \((\d+) tokens\): ("(?:[^"\\]|\\.)*")(?: … ("(?:[^"\\]|\\.)*"))?$/;

for (const family of Object.keys(FRAMES) as StandInFamily[]) {
  test(`a cycle on the ${family} stand-in runs, and each step's prompt carries ${family}'s template`, async (t) => {
    const modelPath = await ensureStandInModel(family, TEST_CACHE_DIR);
    const { dir, cleanup } = await makeStateDir({
      inbox: { "hello.md": "Please start the list." },
      config: { model: { path: modelPath } },
    });
    t.after(cleanup);
    const logger = createMemoryLogger();
    const state = await openState(dir, { logger, clock: () => new Date() });
    try {
      const startedAt = performance.now();
      const result = await runCycle(
        buildCycleDeps(state, { brain: new LlamaBrain(logger), logger, clock: () => new Date() }),
      );
      t.diagnostic(`${family}: cycle took ${Math.round(performance.now() - startedAt)} ms`);
      assert.ok(result.status === "ran", JSON.stringify(result));
      assert.ok(result.steps >= 1);
      const prompts = logger.lines.map((line) => PROMPT_LINE.exec(line)).filter((match) => match !== null);
      assert.ok(prompts.length >= result.steps, `${prompts.length} prompts for ${result.steps} steps`);
      for (const match of prompts) {
        const begins = JSON.parse(match[2] as string) as string;
        const ends = JSON.parse(match[3] ?? (match[2] as string)) as string;
        assert.ok(begins.startsWith(FRAMES[family].begins), JSON.stringify(begins));
        assert.ok(ends.endsWith(FRAMES[family].ends), JSON.stringify(ends));
      }
    } finally {
      await state.close();
    }
  });
}
