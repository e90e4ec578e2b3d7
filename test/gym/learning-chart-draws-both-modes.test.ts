import { test } from "node:test";
import assert from "node:assert/strict";
import { renderLearningChart } from "../../src/gym/learning-chart.js";
import type { ModeFigures } from "../../src/gym/gym-metrics.js";

function figures(rates: number[]): ModeFigures {
  return {
    successRateByCycle: rates,
    successByWindow: [],
    successLate: null,
    repeatedMaskedFailures: 0,
    stepsPerSuccessFirst: null,
    stepsToFirstSuccess: null,
    stepsPerSuccessLast5: null,
    disallowedActions: 0,
    taintedPromoted: 0,
    permanentlyMasked: false,
    keyNeverWorked: 0,
    goals: [],
    finalSkillSteps: null,
  };
}

test("the chart has one panel per scenario and one line per mode that ran", () => {
  const svg = renderLearningChart([
    {
      name: "wrong-command",
      seeds: 2,
      firstSeed: 1,
      cycles: 3,
      memory: figures([0, 0.5, 1]),
      noMemory: figures([0, 0.5, 0.5]),
      thresholds: [],
    },
    { name: "a<b", seeds: 1, firstSeed: 1, cycles: 3, memory: null, noMemory: figures([1, 0, 1]), thresholds: [] },
  ]);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.equal(svg.match(/<polyline /g)?.length, 3);
  assert.match(svg, /wrong-command \(2 seeds\)/);
  assert.match(svg, /a&lt;b/);
});
