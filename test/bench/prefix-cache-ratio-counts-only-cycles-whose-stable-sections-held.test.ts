// bench speed's prefixCache figures from hand-made usage: the ratio is the median over the later cycles whose charter,
// tools, skills and lessons held, every later cycle has its own median too, and writes count extensions.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { DecisionUsage, PrefixCacheUse } from "../../src/brain/brain.js";
import { summarisePrefixCache } from "../../src/bench/measure-prefix-cache.js";

function firstStep(prompt: number, evaluated: number, lessons: number, cache: PrefixCacheUse): DecisionUsage {
  return {
    promptTokens: prompt,
    evaluatedPromptTokens: evaluated,
    generatedTokens: 20,
    durationMs: 1,
    droppedSteps: 0,
    cutSections: [],
    promptParts: {
      sections: [
        { id: "charter", tokens: 100 },
        { id: "tools", tokens: 200 },
        ...(lessons > 0 ? [{ id: "lessons", tokens: lessons }] : []),
        { id: "journal", tokens: prompt - 400 },
      ],
      turns: 0,
      request: 30,
      frame: 16,
    },
    prefixCache: cache,
  };
}

test("the ratio leaves out the cycles that learned a lesson; the all-cycles ratio keeps them", () => {
  const cycles = [
    [firstStep(500, 499, 0, { outcome: "written", prefixTokens: 400, prefixEvalMs: 50, stateFileBytes: 1000 })],
    [
      firstStep(600, 150, 0, {
        outcome: "extended",
        prefixTokens: 500,
        loadedTokens: 450,
        loadMs: 4,
        stateFileBytes: 1200,
      }),
    ],
    [
      firstStep(700, 400, 60, {
        outcome: "extended",
        prefixTokens: 600,
        loadedTokens: 300,
        loadMs: 5,
        stateFileBytes: 1400,
      }),
    ],
    [
      firstStep(800, 160, 60, {
        outcome: "extended",
        prefixTokens: 700,
        loadedTokens: 640,
        loadMs: 6,
        stateFileBytes: 1600,
      }),
    ],
    [
      firstStep(800, 100, 60, {
        outcome: "hit",
        prefixTokens: 700,
        loadedTokens: 700,
        loadMs: 3,
        stateFileBytes: 1600,
      }),
    ],
  ];
  const figures = summarisePrefixCache("m.gguf", cycles);
  assert.deepEqual(
    figures.perCycle.map((cycle) => cycle.stableChanged),
    [false, false, true, false, false],
  );
  // Unchanged later cycles: 150/600, 160/800, 100/800 → 0.25, 0.2, 0.125; median 0.2. All: add 400/700 → 0.225.
  assert.equal(figures.ratio, 0.2);
  assert.equal(figures.ratioAllCycles, 0.225);
  assert.equal(figures.stateFileWrites, 4, "one written, three extended; the hit wrote nothing");
  assert.equal(figures.loadMs, 4.5);
  assert.equal(figures.prefixEvalMs, 50);
  assert.equal(figures.perCycle[3]?.loadedTokens, 640);
  assert.equal(summarisePrefixCache("m.gguf", cycles.slice(0, 1).concat(cycles.slice(2, 3))).ratio, null);
});
