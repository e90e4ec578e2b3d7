// Issue 15: a goal that keeps failing must not starve the others. Each model turn gets at most its share of the steps
// left (ceil(steps left / goals left)); a goal the budget did not reach keeps its older lastWorkedAt and goes first in
// the next cycle (equal priorities: least recently worked on first).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCycle, type CycleResult } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import type { OpenState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { openTwoGoalState, readEpisodes, run } from "./helpers/two-goal-state.js";

async function cycleAt(
  state: OpenState,
  minute: number,
  brain: ScriptedBrain,
): Promise<Extract<CycleResult, { status: "ran" }>> {
  const clock = (): Date => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const result = await runCycle(buildCycleDeps(state, { brain, logger: createMemoryLogger(), clock }));
  assert.equal(result.status, "ran", JSON.stringify(result));
  return result as Extract<CycleResult, { status: "ran" }>;
}

test("report fails every step it gets, yet backup still gets its share of the cycle's steps and is met", async (t) => {
  const { dir, state } = await openTwoGoalState(t, { maxSteps: 5 });
  // A model that would spend the whole budget on report if it were let: tidy changes nothing.
  const brain = new ScriptedBrain([run("tidy"), run("tidy"), run("tidy"), run("make-backup"), run("tidy")]);
  const result = await cycleAt(state, 1, brain);
  const steps = (await readEpisodes(dir)).filter((episode) => episode.kind === "step");
  assert.deepEqual(
    steps.map((step) => [step.goal, step.args]),
    [
      ["report", { command: "tidy", args: [] }],
      ["report", { command: "tidy", args: [] }],
      ["report", { command: "tidy", args: [] }],
      ["backup", { command: "make-backup", args: [] }],
    ],
    "report's turn ends after ceil(5 / 2) = 3 steps; backup's check passes after its first",
  );
  assert.deepEqual(result.goals, [
    { id: "report", verdict: "unmet" },
    { id: "backup", verdict: "met", by: "steps" },
  ]);
  assert.equal(result.summary, "1 of 2 goals met");
});

test("a goal the step budget did not reach goes first in the next cycle", async (t) => {
  const { state } = await openTwoGoalState(t, { maxSteps: 1 });
  const first = new ScriptedBrain([run("tidy")]);
  const one = await cycleAt(state, 1, first);
  assert.match(first.prompts[0]?.request ?? "", /Goal now: report/, "neither was worked on before: file order");
  assert.equal(first.prompts.length, 1, "the one step went to report; backup's turn never came");
  assert.deepEqual(one.goals, [
    { id: "report", verdict: "unmet" },
    { id: "backup", verdict: "unmet" },
  ]);
  assert.equal(state.db.data.goals.report?.lastWorkedAt, "2026-01-01T00:01:00.000Z");
  assert.equal(state.db.data.goals.backup?.lastWorkedAt, undefined, "backup got no step: not attempted");

  const second = new ScriptedBrain([run("make-backup")]);
  const two = await cycleAt(state, 2, second);
  assert.match(second.prompts[0]?.request ?? "", /Goal now: backup/, "backup waited longest, so it goes first");
  assert.deepEqual(two.goals, [
    { id: "backup", verdict: "met", by: "steps" },
    { id: "report", verdict: "unmet" },
  ]);
});
