// The Pi projection of `bench speed`: model seconds per cycle from a cycle's evaluated and generated tokens and a board's rates, each rate with its source, and labelled a projection wherever it is printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTokenCost } from "../../src/bench/format-token-cost.js";
import { projectOntoPis, type TokenCostFigures } from "../../src/bench/measure-token-cost.js";
import { PI_RATES, projectCycle, type PiRates } from "../../src/bench/pi-rates.js";

const RATES: PiRates = {
  board: "Test board",
  model: "a 0.5B Q4 model",
  promptTokensPerSec: 250,
  generatedTokensPerSec: 20,
  kind: "published",
  basis: "a test",
};

test("seconds per cycle are evaluated ÷ prompt rate plus generated ÷ generation rate", () => {
  const projected = projectCycle({ evaluated: 2000, generated: 150 }, RATES);
  assert.equal(projected.projectedPromptSeconds, 8);
  assert.equal(projected.projectedGenerationSeconds, 7.5);
  assert.equal(projected.projectedSecondsPerCycle, 15.5);
  assert.equal(projected.rates, RATES);
});

test("the Pi rates name their source, the Pi 4's are scaled from the Pi 5's and slower", () => {
  assert.equal(PI_RATES.pi5.kind, "published");
  assert.match(PI_RATES.pi5.basis, /github\.com\/ggml-org\/llama\.cpp\/discussions\/30069/);
  assert.equal(PI_RATES.pi4.kind, "scaled");
  assert.match(PI_RATES.pi4.basis, /justine\.lol\/matmul/);
  assert.equal(PI_RATES.pi4.promptTokensPerSec, Math.round(PI_RATES.pi5.promptTokensPerSec * (10 / 35) * 100) / 100);
  assert.equal(
    PI_RATES.pi4.generatedTokensPerSec,
    Math.round(PI_RATES.pi5.generatedTokensPerSec * (3 / 9) * 100) / 100,
  );
  const projection = projectOntoPis({ evaluated: 3000, generated: 400 });
  assert.equal(projection.projection, true);
  assert.ok(projection.pi4.projectedSecondsPerCycle > projection.pi5.projectedSecondsPerCycle);
  assert.equal(
    projection.pi5.projectedSecondsPerCycle,
    Math.round((3000 / PI_RATES.pi5.promptTokensPerSec + 400 / PI_RATES.pi5.generatedTokensPerSec) * 100) / 100,
  );
});

test("the human report labels the projection and prints the token line and the counting cost", () => {
  const tokens: TokenCostFigures = {
    prompt: 900,
    bySection: { charter: 500, tools: 300, turns: 0, request: 80, frame: 20 },
    evaluated: 1000,
    reused: 800,
    generated: 90,
    contextSize: 4096,
    cutSections: [],
    steps: [
      { step: 1, prompt: 900, evaluated: 900, reused: 0, generated: 45 },
      { step: 2, prompt: 900, evaluated: 100, reused: 800, generated: 45 },
    ],
    model: "/models/stand-in.gguf",
    countingMs: { total: 1.5, maxStep: 1.2 },
    decideMs: 800,
  };
  const text = formatTokenCost(tokens, projectOntoPis(tokens)).join("\n");
  assert.match(text, /prompt 900 \(charter 500 · tools 300 · request 80 · frame 20\) · evaluated 1000 · reused 800/);
  assert.match(text, /counting the parts: 1\.5 ms over the cycle/);
  assert.match(text, /PROJECTION \(not measured\)/);
  assert.match(text, /Raspberry Pi 4: projected [\d.]+ s/);
  assert.match(text, /Raspberry Pi 5: projected [\d.]+ s/);
  assert.deepEqual(formatTokenCost(null, null)[0], "Token cost of a standard cycle: none (the model decided no step)");
});
