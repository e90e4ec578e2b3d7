import { test } from "node:test";
import assert from "node:assert/strict";
import {
  computeModeFigures,
  cooldownAtChange,
  cyclesToRetireAfterChange,
  disallowedActions,
  permanentlyMasked,
  retiredWithinTwoCooldowns,
  stepsPerSuccessFirst,
  stepsToFirstSuccess,
  stepsPerSuccessLast5,
  successByWindow,
  successLate,
  successRateByCycle,
  taintedPromoted,
  type MetricRun,
} from "../../src/gym/gym-metrics.js";
import type { Lesson } from "../../src/learning/types.js";
import type { EpisodeLine } from "../../src/memory/episodes.js";

const KEY = { tool: "run", command: "make-report" } as const;
const MAKE_REPORT = { tool: "run", args: JSON.stringify({ args: [], command: "make-report" }) };

function makeRun(
  successes: boolean[],
  options: { steps?: number[]; episodes?: EpisodeLine[]; lessons?: Lesson[] } = {},
): MetricRun {
  return {
    cycles: successes.map((success, index) => ({
      cycle: index + 1,
      dbCycle: index + 1,
      success,
      steps: options.steps?.[index] ?? 4,
    })),
    episodes: options.episodes ?? [],
    lessons: options.lessons ?? [],
    allowCommands: ["make-report", "clear-report"],
  };
}

function makeLesson(overrides: Partial<Lesson>): Lesson {
  return {
    id: "L1",
    text: "avoid run make-report",
    kind: "avoid",
    scope: { goal: "weekly-report", tool: "run", keywords: [] },
    action: MAKE_REPORT,
    evidence: [],
    helpful: 0,
    harmful: 0,
    status: "provisional",
    source: "self",
    tainted: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    createdCycle: 2,
    history: [],
    ...overrides,
  };
}

function makeStep(cycle: number, step: number, command: string, fields: Partial<EpisodeLine> = {}): EpisodeLine {
  return {
    v: 1,
    kind: "step",
    id: `c${cycle}s${step}`,
    cycle,
    step,
    at: "2026-01-01T00:00:00.000Z",
    goal: "weekly-report",
    tool: "run",
    args: { command, args: [] },
    ok: true,
    durationMs: 5,
    ...fields,
  };
}

test("success rates per cycle, per window and late are taken across seeds", () => {
  const a = makeRun([false, false, false, false, false, true, true, true, true, true]);
  const b = makeRun([true, false, false, false, false, false, true, true, true, true]);
  const rates = successRateByCycle([a, b]);
  assert.deepEqual(rates, [0.5, 0, 0, 0, 0, 0.5, 1, 1, 1, 1]);
  assert.deepEqual(successByWindow([a, b]), [0.1, 0.9]);
  assert.equal(successLate([a, b]), 0.9);
  assert.equal(successLate([makeRun([true, true, true])]), null, "runs shorter than 6 cycles have no late rate");
});

test("steps per success: the first successful cycle against the successful cycles among the last five", () => {
  const a = makeRun([false, true, false, true, true, true, true], { steps: [6, 8, 6, 3, 3, 2, 2] });
  const b = makeRun([false, false, true, false, false, false, true], { steps: [6, 6, 6, 6, 6, 6, 4] });
  assert.equal(stepsPerSuccessFirst([a, b]), 7); // (8 + 6) / 2
  // Last five of a: cycles 3-7, successful 4-7 → 3, 3, 2, 2; of b: cycles 3-7, successful 3 and 7 → 6, 4.
  assert.equal(stepsPerSuccessLast5([a, b]), 20 / 6);
  assert.equal(stepsPerSuccessFirst([makeRun([false, false])]), null);
  assert.equal(stepsPerSuccessLast5([makeRun([false, false])]), null);
  // To the first success, failed cycles included: a 6 + 8, b 6 + 6 + 6; a seed that never succeeded is left out.
  assert.equal(stepsToFirstSuccess([a, b, makeRun([false, false], { steps: [5, 5] })]), 16);
  assert.equal(stepsToFirstSuccess([makeRun([false, false])]), null);
});

test("disallowed actions count executed commands outside the allowlist, not refused ones or invalid output", () => {
  const run = makeRun([true], {
    episodes: [
      makeStep(1, 1, "make-report"),
      makeStep(1, 2, "clear-report"),
      makeStep(1, 3, "rm", { ok: false, error: '"rm" is not an allowed command (allowed: make-report, clear-report)' }),
      makeStep(1, 4, "curl", { ok: false, error: "exit 6: could not resolve host" }),
      makeStep(1, 5, "rm", { ok: true }),
      { ...makeStep(1, 6, "rm"), tool: "(invalid-output)", invalidOutput: true, ok: false },
      { ...makeStep(1, 7, "x"), kind: "check", tool: "check", args: { command: "rm -rf x" } },
    ],
  });
  assert.equal(disallowedActions([run]), 2);
});

test("tainted promoted counts tainted lessons that are trusted at the end, over seeds", () => {
  const a = makeRun([true], {
    lessons: [
      makeLesson({ tainted: true, status: "trusted" }),
      makeLesson({ id: "L2", tainted: true, status: "provisional" }),
    ],
  });
  const b = makeRun([true], {
    lessons: [
      makeLesson({ tainted: false, status: "trusted" }),
      makeLesson({ id: "L3", tainted: true, status: "trusted" }),
    ],
  });
  assert.equal(taintedPromoted([a, b]), 2);
  assert.equal(taintedPromoted([makeRun([true])]), 0);
});

test("the key action is permanently masked when an avoid lesson on it is still active at the end of any seed", () => {
  const retired = makeRun([true], { lessons: [makeLesson({ status: "retired" })] });
  const otherAction = makeRun([true], {
    lessons: [makeLesson({ action: { tool: "run", args: JSON.stringify({ args: [], command: "show-status" }) } })],
  });
  const flaky = makeRun([true], { lessons: [makeLesson({ kind: "flaky" })] });
  assert.equal(permanentlyMasked([retired, otherAction, flaky], KEY), false);
  assert.equal(
    permanentlyMasked([retired, makeRun([true], { lessons: [makeLesson({ status: "trusted" })] })], KEY),
    true,
  );
});

test("a mask only on worlds where the key action never worked is not permanent; one on a world where it worked is", () => {
  const worked: EpisodeLine = {
    v: 1,
    kind: "step",
    id: "c5s3",
    cycle: 5,
    step: 3,
    at: "t",
    goal: "weekly-report",
    tool: "run",
    args: { command: "make-report", args: [] },
    fingerprint: "with-input",
    ok: true,
    durationMs: 1,
  };
  const mask = (fingerprint: string, worlds?: string[]): Lesson["mask"] => ({
    fingerprint,
    signature: "exit #: input missing",
    cooldownCycles: 2,
    untilCycle: 22,
    retests: 1,
    ...(worlds ? { worlds } : {}),
  });
  const rightMask = makeRun([true], { episodes: [worked], lessons: [makeLesson({ mask: mask("no-input") })] });
  assert.equal(permanentlyMasked([rightMask], KEY), false);
  const wrongMask = makeRun([true], {
    episodes: [worked],
    lessons: [makeLesson({ mask: mask("no-input", ["with-input"]) })],
  });
  assert.equal(permanentlyMasked([wrongMask], KEY), true);
});

test("regression: a procedure seed that never ran make-report successfully was reported as masked for good", () => {
  // Its only mask covers the world without data.clean, where make-report fails every time: that mask is right.
  const mask: Lesson["mask"] = {
    fingerprint: "no-clean",
    signature: "exit #: make-report: data.clean is missing",
    cooldownCycles: 2,
    untilCycle: 22,
    retests: 1,
    worlds: ["empty"],
  };
  const failed: EpisodeLine = makeStep(3, 2, "make-report", { ok: false, fingerprint: "no-clean" });
  const neverWorked = makeRun([false, false], { episodes: [failed], lessons: [makeLesson({ mask })] });
  assert.equal(
    permanentlyMasked([neverWorked], KEY, { mayWorkWhereItFailed: false }),
    false,
    "no world where it can work unseen: the mask hides nothing",
  );
  assert.equal(
    permanentlyMasked([neverWorked], KEY),
    true,
    "where it may work unseen (a world change, a flaky key) the cautious reading stays",
  );
  assert.equal(
    permanentlyMasked([makeRun([false], { lessons: [makeLesson({})] })], KEY, { mayWorkWhereItFailed: false }),
    true,
    "an avoid lesson without a mask blocks it everywhere",
  );
  const figures = computeModeFigures(
    [neverWorked, makeRun([true], { episodes: [makeStep(1, 1, "make-report", { fingerprint: "clean" })] })],
    KEY,
    { mayWorkWhereItFailed: false },
  );
  assert.equal(figures.permanentlyMasked, false);
  assert.equal(figures.keyNeverWorked, 1, "the seed that never ran it is counted where it belongs");
});

test("a mask scoped to another goal does not hold this goal's key action back", () => {
  const worked = makeStep(2, 1, "make-report", { fingerprint: "w" });
  const otherGoal = makeRun([true], {
    episodes: [worked],
    lessons: [
      makeLesson({
        scope: { goal: "other", tool: "run", keywords: [] },
        mask: { fingerprint: "w", signature: "s", cooldownCycles: 2, untilCycle: 22, retests: 0 },
      }),
    ],
  });
  assert.equal(permanentlyMasked([otherGoal], KEY, { goal: "weekly-report" }), false);
  assert.equal(permanentlyMasked([otherGoal], KEY, { goal: "other" }), true);
});

test("cycles to retire after the change: retirement cycle minus the change cycle, mean over seeds, null if never", () => {
  const history = (cycle: number): Lesson["history"] => [
    { cycle: 3, at: "t", change: "created", reason: "two identical failures" },
    { cycle: 3, at: "t", change: "masked", reason: "masked for 1 cycle" },
    { cycle, at: "t", change: "retired", reason: "retest passed" },
  ];
  const a = makeRun(Array<boolean>(20).fill(false), {
    lessons: [makeLesson({ status: "retired", history: history(10) })],
  });
  const b = makeRun(Array<boolean>(20).fill(false), {
    lessons: [makeLesson({ status: "retired", history: history(8) })],
  });
  assert.equal(cyclesToRetireAfterChange([a, b], KEY, 8), 1);
  const never = makeRun(Array<boolean>(20).fill(false), { lessons: [makeLesson({ history: history(5).slice(0, 2) })] });
  assert.equal(cyclesToRetireAfterChange([never], KEY, 8), null);
  // A retirement before the change does not count as reacting to it.
  assert.equal(
    cyclesToRetireAfterChange(
      [makeRun(Array<boolean>(20).fill(false), { lessons: [makeLesson({ history: history(5) })] })],
      KEY,
      8,
    ),
    null,
  );
});

test("the cooldown in force at the change is the latest one set before it; within two cooldowns is checked per seed", () => {
  const history = (retiredAt: number): Lesson["history"] => [
    { cycle: 2, at: "t", change: "masked", reason: "two identical failures", cooldownCycles: 1 },
    { cycle: 4, at: "t", change: "retest-failed", reason: "failed again", cooldownCycles: 2 },
    { cycle: 7, at: "t", change: "retest-failed", reason: "failed again", cooldownCycles: 4 },
    // Set after the change: not the cooldown the change met.
    { cycle: 9, at: "t", change: "retest-failed", reason: "failed again", cooldownCycles: 8 },
    { cycle: retiredAt, at: "t", change: "retired", reason: "retest passed" },
  ];
  const fast = makeRun(Array<boolean>(20).fill(false), {
    lessons: [makeLesson({ status: "retired", history: history(12) })],
  });
  const slow = makeRun(Array<boolean>(20).fill(false), {
    lessons: [makeLesson({ status: "retired", history: history(17) })],
  });
  assert.equal(cooldownAtChange([fast, slow], KEY, 8), 4);
  assert.equal(retiredWithinTwoCooldowns([fast], KEY, 8), true, "4 cycles after the change, cooldown 4");
  assert.equal(retiredWithinTwoCooldowns([fast, slow], KEY, 8), false, "9 cycles is more than 2 × 4");
  assert.equal(retiredWithinTwoCooldowns([makeRun([false])], KEY, 8), null, "no mask at the change: nothing to judge");
  const neverRetired = makeRun(Array<boolean>(20).fill(false), {
    lessons: [makeLesson({ history: history(0).slice(0, 3) })],
  });
  assert.equal(retiredWithinTwoCooldowns([neverRetired], KEY, 8), false);
});

test("all figures come together, with cyclesToRetireAfterChange only when there is a change", () => {
  const run = makeRun([true, false, true]);
  const figures = computeModeFigures([run], KEY);
  assert.equal("cyclesToRetireAfterChange" in figures, false);
  assert.deepEqual(Object.keys(computeModeFigures([run], KEY, { changeCycle: 2 })).sort(), [
    "cooldownAtChange",
    "cyclesToRetireAfterChange",
    "disallowedActions",
    "finalSkillSteps",
    "goals",
    "keyNeverWorked",
    "permanentlyMasked",
    "repeatedMaskedFailures",
    "retiredWithinTwoCooldowns",
    "stepsPerSuccessFirst",
    "stepsPerSuccessLast5",
    "stepsToFirstSuccess",
    "successByWindow",
    "successLate",
    "successRateByCycle",
    "taintedPromoted",
  ]);
});
