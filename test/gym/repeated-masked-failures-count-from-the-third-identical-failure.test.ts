import { test } from "node:test";
import assert from "node:assert/strict";
import { repeatedMaskedFailures, type MetricRun } from "../../src/gym/gym-metrics.js";
import type { EpisodeLine } from "../../src/memory/episodes.js";

const ACTION = { tool: "run", args: JSON.stringify({ args: [], command: "build-report" }) };

function failure(cycle: number, fields: Partial<EpisodeLine> = {}): EpisodeLine {
  return {
    v: 1,
    kind: "step",
    id: `c${cycle}s1`,
    cycle,
    step: 1,
    at: "2026-01-01T00:00:00.000Z",
    goal: "weekly-report",
    tool: "run",
    args: { command: "build-report", args: [] },
    action: ACTION,
    fingerprint: "f1",
    ok: false,
    error: "exit 2: build-report: missing dependency",
    signature: "exit #: build-report: missing dependency",
    durationMs: 3,
    ...fields,
  };
}

function runOf(episodes: EpisodeLine[]): MetricRun {
  return { cycles: [], episodes, lessons: [], allowCommands: ["build-report"] };
}

test("the first two identical failures are how a mask is learned; each further one counts", () => {
  assert.equal(repeatedMaskedFailures([runOf([failure(1), failure(2)])]), 0);
  assert.equal(repeatedMaskedFailures([runOf([failure(1), failure(2), failure(3), failure(4)])]), 2);
});

test("a failure on the allowed retest is not counted as repeated", () => {
  assert.equal(repeatedMaskedFailures([runOf([failure(1), failure(2), failure(4, { retest: true })])]), 0);
  assert.equal(repeatedMaskedFailures([runOf([failure(1), failure(2), failure(4, { retest: true }), failure(5)])]), 1);
});

test("a different fingerprint, signature, goal or action is a different situation; successes and invalid output are not failures", () => {
  const episodes = [
    failure(1),
    failure(2),
    failure(3, { fingerprint: "f2" }),
    failure(4, { signature: "exit #: other" }),
    failure(5, { goal: "other-goal" }),
    failure(6, { action: { tool: "run", args: JSON.stringify({ args: [], command: "fetch-report" }) } }),
    failure(7, { ok: true }),
    failure(8, { invalidOutput: true, tool: "(invalid-output)" }),
  ];
  assert.equal(repeatedMaskedFailures([runOf(episodes)]), 0);
});

test("episodes without action or fingerprint fall back to tool + args, and seeds are counted apart", () => {
  const bare = (cycle: number): EpisodeLine => {
    const { action: _action, fingerprint: _fingerprint, ...rest } = failure(cycle);
    return rest as EpisodeLine;
  };
  assert.equal(repeatedMaskedFailures([runOf([bare(1), bare(2), bare(3)])]), 1);
  assert.equal(repeatedMaskedFailures([runOf([failure(1), failure(2)]), runOf([failure(1), failure(2)])]), 0);
});

test("failures while the action was held flaky are retries by design, not repeats of a masked failure", () => {
  const flaky = {
    id: "L1",
    text: "`run build-report` fails about 40% of the time",
    kind: "flaky" as const,
    scope: { goal: "weekly-report", tool: "run", keywords: [] },
    action: ACTION,
    evidence: [],
    helpful: 0,
    harmful: 0,
    status: "retired" as const,
    source: "self" as const,
    tainted: false,
    createdAt: "t",
    createdCycle: 3,
    history: [
      { cycle: 3, at: "t", change: "created", reason: "flaky" },
      { cycle: 6, at: "t", change: "retired", reason: "no longer flaky" },
    ],
  };
  const episodes = [1, 2, 3, 4, 5, 6, 7].map((cycle) => failure(cycle));
  // Cycles 3–6 are covered by the flaky lesson; 7 is the one repeat outside it.
  assert.equal(repeatedMaskedFailures([{ ...runOf(episodes), lessons: [flaky] }]), 1);
  assert.equal(repeatedMaskedFailures([runOf(episodes)]), 5);
});
