// Issue 15: a skill replay meets its own goal and then hands the cycle back to the model for the goals still unmet,
// within the same step budget; each step, outcome and skill belongs to the goal it was taken for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findToolBranch } from "../../src/brain/action-schema.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { createMemoryLogger } from "../../src/log.js";
import type { JsonSchema } from "../../src/tools/json-schema.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { readEpisodes, run, stateWithReportSkill } from "./helpers/two-goal-state.js";

test("the replay meets report without the model, then the model is loaded once and works backup in the same cycle", async (t) => {
  const { dir, state } = await stateWithReportSkill(t);
  const brain = new ScriptedBrain([run("make-backup")]);
  const result = await runCycle(
    buildCycleDeps(state, { brain, logger: createMemoryLogger(), clock: () => new Date() }),
  );
  assert.ok(result.status === "ran", JSON.stringify(result));

  assert.equal(brain.opened, 1, "the model was loaded once, for the goal the replay did not serve");
  assert.equal(brain.prompts.length, 1, "backup's check passed after its first step: no more decisions");
  assert.ok(result.steps <= 4, "within the cycle's step budget");
  assert.deepEqual(result.goals, [
    { id: "report", verdict: "met", by: "replay" },
    { id: "backup", verdict: "met", by: "steps" },
  ]);
  assert.deepEqual(result.checks, [
    { goal: "report", passed: true },
    { goal: "backup", passed: true },
  ]);
  assert.equal(result.summary, "2 of 2 goals met");

  // The model's prompt is about backup: the request names it, and report (met) is no longer listed.
  const prompt = brain.prompts[0];
  assert.match(prompt?.request ?? "", /Goal now: backup/);
  const goalsSection = prompt?.sections.find((section) => section.id === "goals")?.text ?? "";
  assert.match(goalsSection, /- backup: /);
  assert.doesNotMatch(goalsSection, /- report: /);
  // report's skill S1 is not offered in backup's turn: replaying it there would only crowd backup out.
  assert.equal(findToolBranch(brain.schemas[0] as JsonSchema, "use_skill"), undefined);

  const steps = (await readEpisodes(dir)).filter((episode) => episode.kind === "step");
  assert.deepEqual(
    steps.map((step) => [step.goal, step.tool, step.replay ?? null]),
    [
      ["report", "run", "S1"],
      ["backup", "run", null],
    ],
  );
  const skills = state.db.data.learning.skills;
  assert.equal(skills.find((skill) => skill.id === "S1")?.successes, 3, "the replay's success went to S1");
  const backupSkill = skills.find((skill) => skill.goal === "backup");
  assert.deepEqual(
    backupSkill?.steps,
    [{ tool: "run", args: { command: "make-backup", args: [] } }],
    "backup's skill holds backup's own step, not the replay's",
  );
  assert.equal(state.db.data.goals.report?.attempts, 1);
  assert.equal(state.db.data.goals.backup?.attempts, 1);
});

test("backup's own check decides backup: a model that only claims success leaves it unmet", async (t) => {
  const { state } = await stateWithReportSkill(t);
  const brain = new ScriptedBrain([
    run("tidy"),
    JSON.stringify({ thought: "t", tool: "finish", args: { summary: "all goals are done" } }),
  ]);
  const result = await runCycle(
    buildCycleDeps(state, { brain, logger: createMemoryLogger(), clock: () => new Date() }),
  );
  assert.ok(result.status === "ran", JSON.stringify(result));
  assert.equal(brain.opened, 1);
  assert.deepEqual(result.goals, [
    { id: "report", verdict: "met", by: "replay" },
    { id: "backup", verdict: "unmet" },
  ]);
  assert.equal(result.summary, "1 of 2 goals met; the model said: all goals are done");
  assert.equal(result.steps, 3, "the replay's step, then tidy and finish for backup");
});
