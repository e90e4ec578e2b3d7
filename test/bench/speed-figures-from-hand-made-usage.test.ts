import { test } from "node:test";
import assert from "node:assert/strict";
import type { DecisionUsage } from "../../src/brain/brain.js";
import { median, percentile } from "../../src/bench/bench-stats.js";
import { stepReuse } from "../../src/bench/measure-cycles.js";
import { pickBestThreads } from "../../src/bench/measure-throughput.js";

const usage = (
  promptTokens: number,
  evaluatedPromptTokens: number,
  generatedTokens: number,
  droppedSteps = 0,
): DecisionUsage => ({
  promptTokens,
  evaluatedPromptTokens,
  generatedTokens,
  durationMs: 1,
  droppedSteps,
  cutSections: [],
});

test("prompt reuse compares each later step's evaluated tokens with what was new in it, and skips steps after a drop", () => {
  const steps = stepReuse([
    usage(1000, 1000, 50),
    usage(1100, 50, 40),
    usage(1200, 120, 30, 1),
    usage(1300, 70, 20, 1),
  ]);
  // Step 2: 1100 − 1000 − 50 = 50 new, 50 evaluated. Step 3 dropped a step: skipped. Step 4: 1300 − 1200 − 30 = 70 new.
  assert.deepEqual(steps, [
    { promptTokens: 1100, evaluatedPromptTokens: 50, newTokens: 50 },
    { promptTokens: 1300, evaluatedPromptTokens: 70, newTokens: 70 },
  ]);
});

test("the best thread count is the fastest, the fewest threads on a tie", () => {
  assert.equal(
    pickBestThreads([
      { threads: 1, genTokensPerSec: 700 },
      { threads: 2, genTokensPerSec: 35 },
    ]),
    1,
  );
  assert.equal(
    pickBestThreads([
      { threads: 1, genTokensPerSec: 10 },
      { threads: 2, genTokensPerSec: 19 },
      { threads: 3, genTokensPerSec: 19 },
    ]),
    2,
  );
});

test("percentiles are nearest-rank and the median averages the middle pair", () => {
  const values = Array.from({ length: 20 }, (_, index) => index + 1);
  assert.equal(percentile(values, 50), 10);
  assert.equal(percentile(values, 95), 19);
  assert.equal(median([3, 1, 2, 4]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
