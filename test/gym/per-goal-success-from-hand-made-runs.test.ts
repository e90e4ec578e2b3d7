// Per-goal figures: each goal's verdict is read from the cycle's result (its goals list, else its checks), rated per goal, and a cycle counts only when every goal passed.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CycleResult } from "../../src/cycle/run-cycle.js";
import { readGoalVerdicts, type GoalVerdict } from "../../src/gym/goal-verdicts.js";
import { computeModeFigures, successByGoal, type MetricRun } from "../../src/gym/gym-metrics.js";

const KEY = { tool: "run", command: "write-a" } as const;

function ran(checks: Array<{ goal: string; passed: boolean }>, extra: Record<string, unknown> = {}): CycleResult {
  return {
    status: "ran",
    cycle: 1,
    durationMs: 10,
    steps: 2,
    failedSteps: 0,
    checks,
    journalFile: "j.md",
    ...extra,
  } as CycleResult;
}

/** A run whose cycle i has goal "a" passed when a[i] and goal "b" passed when b[i]; success means both. */
function twoGoalRun(a: boolean[], b: boolean[]): MetricRun {
  return {
    cycles: a.map((passedA, index) => {
      const goals: GoalVerdict[] = [
        { id: "a", passed: passedA },
        { id: "b", passed: b[index] === true },
      ];
      return { cycle: index + 1, dbCycle: index + 1, success: goals.every((goal) => goal.passed), steps: 3, goals };
    }),
    episodes: [],
    lessons: [],
    allowCommands: ["write-a", "write-b"],
  };
}

test("verdicts come from the result's checks today: the last check per goal, and an unchecked goal did not pass", () => {
  const result = ran([
    { goal: "a", passed: false },
    { goal: "b", passed: true },
    { goal: "a", passed: true },
  ]);
  assert.deepEqual(readGoalVerdicts(["a", "b", "c"], result), [
    { id: "a", passed: true },
    { id: "b", passed: true },
    { id: "c", passed: false },
  ]);
});

test("verdicts come from the result's goals list when it has one: only met passes, whatever the checks say", () => {
  const result = ran(
    [
      { goal: "a", passed: true },
      { goal: "b", passed: true },
    ],
    {
      goals: [
        { id: "a", verdict: "met", by: "skill S1" },
        { id: "b", verdict: "unchecked" },
        { id: "c", verdict: "unmet" },
      ],
    },
  );
  assert.deepEqual(readGoalVerdicts(["a", "b", "c"], result), [
    { id: "a", passed: true },
    { id: "b", passed: false },
    { id: "c", passed: false },
  ]);
});

test("a cycle that was skipped or failed passes no goal", () => {
  const skipped = { status: "skipped", reason: "hot", detail: "too hot" } as unknown as CycleResult;
  assert.deepEqual(readGoalVerdicts(["a"], skipped), [{ id: "a", passed: false }]);
  assert.deepEqual(readGoalVerdicts(["a"], { status: "failed", reason: "model error" }), [{ id: "a", passed: false }]);
});

test("success per goal is rated on its own, and per cycle only when every goal passed", () => {
  // 10 cycles: goal a passes from cycle 3 on, goal b only in cycles 8-10 → per cycle: 8-10.
  const a = Array.from({ length: 10 }, (_, index) => index >= 2);
  const b = Array.from({ length: 10 }, (_, index) => index >= 7);
  const run = twoGoalRun(a, b);
  const goals = successByGoal([run]);
  assert.deepEqual(
    goals.map((goal) => goal.id),
    ["a", "b"],
  );
  assert.deepEqual(goals[0]?.successRateByCycle, [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(goals[0]?.successLate, 1);
  assert.deepEqual(goals[1]?.successByWindow, [0, 0.6]);
  assert.equal(goals[1]?.successLate, 0.6);
  const figures = computeModeFigures([run], KEY);
  assert.equal(figures.successLate, 0.6, "a cycle counts only when both goals passed");
  assert.deepEqual(figures.goals, goals);
});

test("per-goal rates are taken across seeds, and a goal missing from a cycle's verdicts counts as not passed", () => {
  const one = twoGoalRun([true, true, true, true, true, true, true], [false, false, false, false, false, false, true]);
  const two = twoGoalRun([false, false, false, false, false, true, false], [true, true, true, true, true, true, true]);
  const partial = {
    ...two,
    cycles: two.cycles.map((record) => ({ ...record, goals: record.goals?.filter((goal) => goal.id === "a") })),
  };
  const goals = successByGoal([one, partial]);
  assert.deepEqual(goals[0]?.successRateByCycle, [0.5, 0.5, 0.5, 0.5, 0.5, 1, 0.5]);
  assert.deepEqual(goals[1]?.successRateByCycle, [0, 0, 0, 0, 0, 0, 0.5]);
  assert.equal(goals[1]?.successLate, 0.25, "late (cycles 6-7): one passed of four seed-cycles");
});

test("runs recorded without verdicts give no per-goal figures", () => {
  const run: MetricRun = {
    cycles: [{ cycle: 1, success: true, steps: 1 }],
    episodes: [],
    lessons: [],
    allowCommands: [],
  };
  assert.deepEqual(successByGoal([run]), []);
});

test("regression: two-goals counted every seed as never running make-index, whose steps were recorded under the other goal", () => {
  const step = (command: string): MetricRun["episodes"][number] => ({
    v: 1,
    kind: "step",
    id: `c1s${command}`,
    cycle: 1,
    step: 1,
    at: "t",
    goal: "a",
    tool: "run",
    args: { command, args: [] },
    ok: true,
    durationMs: 1,
    fingerprint: "w",
  });
  const run = { ...twoGoalRun([true], [true]), episodes: [step("write-a"), step("write-b")] };
  const goals = [
    { id: "a", keyAction: { tool: "run", command: "write-a" } as const, uselessCommands: [] },
    { id: "b", keyAction: { tool: "run", command: "write-b" } as const, uselessCommands: [] },
  ];
  assert.equal(computeModeFigures([run], KEY, { goals }).keyNeverWorked, 0);
  assert.equal(computeModeFigures([{ ...run, episodes: [step("write-a")] }], KEY, { goals }).keyNeverWorked, 1);
});
