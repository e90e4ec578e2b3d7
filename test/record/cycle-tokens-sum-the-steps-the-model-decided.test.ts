// The cycle's token record sums the steps the model decided (a replayed step has no usage), keeps the first step's parts, and says so when the model decided none.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { DecisionUsage } from "../../src/brain/brain.js";
import type { StepRecord } from "../../src/cycle/act-loop.js";
import { renderJournalEntry } from "../../src/memory/journal.js";
import { describeCycleTokens, summarizeCycleTokens } from "../../src/record/cycle-tokens.js";

function usage(promptTokens: number, evaluated: number, generated: number, cut: string[] = []): DecisionUsage {
  return {
    promptTokens,
    evaluatedPromptTokens: evaluated,
    generatedTokens: generated,
    durationMs: 10,
    droppedSteps: 0,
    cutSections: cut,
    contextSize: 4096,
    promptParts: {
      sections: [
        { id: "charter", tokens: 400 },
        { id: "tools", tokens: 200 },
      ],
      turns: promptTokens - 700,
      request: 80,
      frame: 20,
    },
  };
}

function step(number: number, extra: Partial<StepRecord>): StepRecord {
  return { step: number, tool: "note", args: {}, ok: true, durationMs: 5, ...extra };
}

test("sums evaluated, reused and generated over the model's steps and leaves a replayed step out", () => {
  const tokens = summarizeCycleTokens([
    step(1, { usage: usage(700, 699, 40, ["journal"]) }),
    step(2, { replay: "S1" }),
    step(3, { usage: usage(800, 60, 30, ["journal", "inbox"]) }),
  ]);
  assert.deepEqual(tokens, {
    prompt: 700,
    bySection: { charter: 400, tools: 200, turns: 0, request: 80, frame: 20 },
    evaluated: 759,
    reused: 741,
    generated: 70,
    contextSize: 4096,
    cutSections: ["journal", "inbox"],
    steps: [
      { step: 1, prompt: 700, evaluated: 699, reused: 1, generated: 40 },
      { step: 3, prompt: 800, evaluated: 60, reused: 740, generated: 30 },
    ],
  });
  assert.equal(
    describeCycleTokens(tokens),
    "prompt 700 (charter 400 · tools 200 · request 80 · frame 20) · evaluated 759 · reused 741 · generated 70 · 2 steps · context 4096 · cut: journal, inbox",
  );
});

test("a cycle whose model decided no step has no figures, and its journal entry says so instead of zeros", () => {
  const tokens = summarizeCycleTokens([step(1, { replay: "S1" }), step(2, { replay: "S1" })]);
  assert.equal(tokens, undefined);
  const text = renderJournalEntry({
    cycle: 4,
    startedAt: new Date(2026, 0, 1, 9, 30),
    durationMs: 1200,
    status: "ran",
    goals: [],
    steps: [],
    checks: [],
    notes: [],
    learned: [],
    tokens: describeCycleTokens(tokens),
  });
  assert.deepEqual(
    text.split("\n").filter((line) => line.startsWith("Tokens:")),
    ["Tokens: none: the model decided no step"],
  );
});

test("a step whose brain did not split its prompt shows the whole prompt as one part", () => {
  const { promptParts: _parts, ...plain } = usage(900, 900, 10);
  const tokens = summarizeCycleTokens([step(1, { usage: plain })]);
  assert.deepEqual(tokens?.bySection, { prompt: 900 });
  assert.equal(tokens?.reused, 0);
});

test("reuse never goes below zero when the meter shows more evaluated tokens than the prompt had", () => {
  const tokens = summarizeCycleTokens([step(1, { usage: usage(700, 701, 10) })]);
  assert.equal(tokens?.reused, 0);
});
