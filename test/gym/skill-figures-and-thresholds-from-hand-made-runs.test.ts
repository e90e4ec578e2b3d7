// Skill figures (final skill length, useless steps kept, useless step in the first success) and the judging of a scenario's declared thresholds, on hand-made runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { computeModeFigures, type MetricRun, type ModeFigures } from "../../src/gym/gym-metrics.js";
import { judgeThresholds, missedThresholds } from "../../src/gym/judge-thresholds.js";
import { finalSkillSteps, skillsWithUselessStep, uselessStepInFirstSuccess } from "../../src/gym/skill-metrics.js";
import type { Skill } from "../../src/learning/types.js";
import type { EpisodeLine } from "../../src/memory/episodes.js";

const GOALS = [{ id: "report", uselessCommands: ["write-log"] }];

function skill(id: string, commands: string[], status: Skill["status"] = "active", goal = "report"): Skill {
  return {
    id,
    goal,
    steps: commands.map((command) => ({ tool: "run", args: { command, args: [] } })),
    successes: 1,
    failures: 0,
    status,
    createdAt: "2026-01-01T00:00:00.000Z",
    createdCycle: 1,
    evidence: [],
    history: [],
  };
}

function step(cycle: number, command: string, fields: Partial<EpisodeLine> = {}): EpisodeLine {
  return {
    v: 1,
    kind: "step",
    id: `c${cycle}s1`,
    cycle,
    step: 1,
    at: "2026-01-01T00:00:00.000Z",
    goal: "report",
    tool: "run",
    args: { command, args: [] },
    ok: true,
    durationMs: 5,
    ...fields,
  };
}

function run(successes: boolean[], episodes: EpisodeLine[], skills: Skill[]): MetricRun {
  return {
    cycles: successes.map((success, index) => ({ cycle: index + 1, dbCycle: index + 1, success, steps: 3 })),
    episodes,
    lessons: [],
    skills,
    allowCommands: ["write-log", "make-report"],
  };
}

test("final skill length is the mean over active skills of every seed; retired skills and seeds without one do not count", () => {
  const a = run([true], [], [skill("S1", ["write-log", "make-report"]), skill("S2", ["make-report"], "retired")]);
  const b = run([true], [], [skill("S1", ["make-report"])]);
  assert.equal(finalSkillSteps([a, b]), 1.5);
  assert.equal(finalSkillSteps([run([false], [], [])]), null);
});

test("a final skill keeps a useless step only when it runs a command useless for its own goal", () => {
  const a = run(
    [true],
    [],
    [skill("S1", ["write-log", "make-report"]), skill("S2", ["write-log"], "active", "other-goal")],
  );
  const b = run([true], [], [skill("S1", ["make-report"]), skill("S2", ["write-log", "make-report"], "retired")]);
  assert.equal(skillsWithUselessStep([a, b], GOALS), 1);
});

test("the first success carried a useless step only when it ran ok and changed the workspace in that cycle", () => {
  const carried = run(
    [false, true],
    [step(2, "write-log", { changedWorld: true }), step(2, "make-report", { changedWorld: true })],
    [],
  );
  const unchanged = run([false, true], [step(2, "write-log"), step(2, "make-report", { changedWorld: true })], []);
  const failed = run([false, true], [step(2, "write-log", { ok: false, changedWorld: true })], []);
  const earlier = run([false, true], [step(1, "write-log", { changedWorld: true })], []);
  const never = run([false, false], [step(1, "write-log", { changedWorld: true })], []);
  assert.equal(uselessStepInFirstSuccess([carried], GOALS), 1);
  assert.equal(uselessStepInFirstSuccess([unchanged, failed, earlier, never], GOALS), 0);
});

test("the skill figures appear in the mode figures only for scenarios that name useless commands", () => {
  const a = run(
    [false, true],
    [step(2, "write-log", { changedWorld: true })],
    [skill("S1", ["write-log", "make-report"])],
  );
  const key = { tool: "run", command: "make-report" } as const;
  const plain = computeModeFigures([a], key, { goals: [{ id: "report", keyAction: key, uselessCommands: [] }] });
  assert.equal("skillsWithUselessStep" in plain, false);
  assert.equal(plain.finalSkillSteps, 2);
  const figures = computeModeFigures([a], key, {
    goals: [{ id: "report", keyAction: key, uselessCommands: ["write-log"] }],
  });
  assert.equal(figures.uselessStepInFirstSuccess, 1);
  assert.equal(figures.skillsWithUselessStep, 1);
});

function figures(overrides: Partial<ModeFigures>): ModeFigures {
  return {
    successRateByCycle: [],
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
    ...overrides,
  };
}

test("thresholds: late success and the margin over no memory, with what was measured in each verdict", () => {
  const verdicts = judgeThresholds(
    { successLateMemory: 0.8, beatsNoMemoryBy: 0.3 },
    figures({ successLate: 0.7 }),
    figures({ successLate: 0.4 }),
  );
  assert.deepEqual(
    verdicts.map((verdict) => [verdict.name, verdict.met]),
    [
      ["successLateMemory", false],
      ["beatsNoMemoryBy", true],
    ],
  );
  assert.equal(verdicts[0]?.got, "0.7");
  assert.equal(verdicts[1]?.got, "0.7 − 0.4 = 0.3", "0.7 − 0.4 meets 0.3 despite floating point");
  const met = judgeThresholds({ successLateMemory: 0.8 }, figures({ successLate: 0.8 }), null);
  assert.equal(met[0]?.met, true);
});

test("thresholds that need a mode that did not run, or late cycles, are not judged rather than passed", () => {
  const verdicts = judgeThresholds(
    { successLateMemory: 0.8, beatsNoMemoryBy: 0.3, keyNeverMaskedForGood: true },
    figures({ successLate: 0.9 }),
    null,
  );
  assert.deepEqual(
    verdicts.map((verdict) => verdict.met),
    [true, null, true],
  );
  assert.equal(judgeThresholds({ successLateMemory: 0.1 }, figures({ successLate: null }), null)[0]?.met, null);
  assert.deepEqual(judgeThresholds({}, figures({}), figures({})), []);
});

test("thresholds: each goal's late success, a key masked for good, and lean skills", () => {
  const memory = figures({
    goals: [
      { id: "a", successRateByCycle: [], successByWindow: [], successLate: 0.9 },
      { id: "b", successRateByCycle: [], successByWindow: [], successLate: 0.5 },
    ],
    permanentlyMasked: true,
    uselessStepInFirstSuccess: 2,
    skillsWithUselessStep: 1,
    finalSkillSteps: 2.5,
  });
  const verdicts = judgeThresholds(
    { successLatePerGoalMemory: 0.8, leanSkills: true, keyNeverMaskedForGood: true },
    memory,
    null,
  );
  assert.deepEqual(
    verdicts.map((verdict) => [verdict.name, verdict.met]),
    [
      ["successLatePerGoalMemory", false],
      ["leanSkills", false],
      ["keyNeverMaskedForGood", false],
    ],
  );
  assert.equal(verdicts[0]?.got, "a 0.9, b 0.5");
  assert.match(
    verdicts[1]?.got ?? "",
    /2 seed\(s\) carried a useless step .*; 1 final skill\(s\) keep one; final skills 2.5 step\(s\)/,
  );
  const lean = judgeThresholds({ leanSkills: true }, { ...memory, skillsWithUselessStep: 0 }, null);
  assert.equal(lean[0]?.met, true);
  const untested = judgeThresholds(
    { leanSkills: true },
    { ...memory, uselessStepInFirstSuccess: 0, skillsWithUselessStep: 0 },
    null,
  );
  assert.equal(untested[0]?.met, false, "a run where no success ever carried the useless step did not test pruning");
});

test("only thresholds judged and not met are misses (bench learning then exits 1); unjudged ones are not", () => {
  const missed = judgeThresholds({ successLateMemory: 0.8, beatsNoMemoryBy: 0.3 }, figures({ successLate: 0.5 }), null);
  const met = judgeThresholds({ successLateMemory: 0.4 }, figures({ successLate: 0.5 }), null);
  const misses = missedThresholds([
    { name: "two-goals", thresholds: missed },
    { name: "useless-step", thresholds: met },
  ]);
  assert.deepEqual(
    misses.map((miss) => [miss.scenario, miss.name, miss.got]),
    [["two-goals", "successLateMemory", "0.5"]],
  );
  assert.deepEqual(missedThresholds([{ name: "x", thresholds: [] }]), []);
});

test("thresholds: masked repeats, disallowed actions and tainted promotions over both modes, step shrinkage, retirement", () => {
  const declared = {
    repeatedMaskedFailuresAtMost: 0,
    disallowedActionsAtMost: 0,
    taintedPromotedAtMost: 0,
    stepsPerSuccessShrinkTo: 0.5,
    retiredWithinTwoCooldowns: true,
  } as const;
  const good = judgeThresholds(
    declared,
    figures({
      stepsPerSuccessFirst: 4,
      stepsToFirstSuccess: 7,
      stepsPerSuccessLast5: 3.5,
      retiredWithinTwoCooldowns: true,
    }),
    figures({}),
  );
  assert.deepEqual(
    good.map((verdict) => [verdict.name, verdict.met]),
    [
      ["repeatedMaskedFailuresAtMost", true],
      ["disallowedActionsAtMost", true],
      ["taintedPromotedAtMost", true],
      ["stepsPerSuccessShrinkTo", true],
      ["retiredWithinTwoCooldowns", true],
    ],
  );
  assert.equal(
    good[3]?.got,
    "3.5 against 7 (× 0.5); the first successful cycle alone 4",
    "judged against the steps to the first success",
  );
  // A disallowed action in the no-memory mode counts as much as one with memory.
  const bad = judgeThresholds(
    declared,
    figures({
      repeatedMaskedFailures: 2,
      stepsPerSuccessFirst: 9,
      stepsToFirstSuccess: 6,
      stepsPerSuccessLast5: 4,
      retiredWithinTwoCooldowns: false,
      taintedPromoted: 1,
    }),
    figures({ disallowedActions: 1 }),
  );
  assert.deepEqual(
    bad.map((verdict) => verdict.met),
    [false, false, false, false, false],
  );
  const unjudged = judgeThresholds(
    { stepsPerSuccessShrinkTo: 0.5, retiredWithinTwoCooldowns: true },
    figures({ retiredWithinTwoCooldowns: null }),
    null,
  );
  assert.deepEqual(
    unjudged.map((verdict) => verdict.met),
    [null, null],
    "no success to compare and no mask at the change judge nothing",
  );
});
