// A command masked for a goal is retested by the loop itself in the first cycle its cooldown allows, before the model
// is loaded: a service that came back (a change the workspace fingerprint cannot see) retires the mask and meets the
// goal without the model; a retest that fails doubles the cooldown and leaves the command out of the model's grammar.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState, type OpenState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { installCommands } from "../support/command-fixture.js";
import { runEnum } from "../support/offered-commands.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const GOALS =
  "version: 1\ngoals:\n  - id: report\n    title: Produce report.txt saying done.\n    check: grep -q done report.txt\n";
const run = (command: string) => JSON.stringify({ thought: "t", tool: "run", args: { command, args: [] } });
const finish = JSON.stringify({ thought: "t", tool: "finish", args: { summary: "stop" } });
/** `finish` where a lesson is recalled: the grammar then asks for a `cite`. */
const finishCiting = JSON.stringify({ thought: "t", cite: [], tool: "finish", args: { summary: "stop" } });

async function cycleWith(state: OpenState, brain: ScriptedBrain) {
  const result = await runCycle(
    buildCycleDeps(state, { brain, logger: createMemoryLogger(), clock: () => new Date() }),
  );
  assert.ok(result.status === "ran", JSON.stringify(result));
  return result;
}

/** A state whose `report` command fails ("service unavailable") until `flag` exists; the flag lies outside the workspace. */
async function serviceState(t: { after(fn: () => Promise<void> | void): void }) {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: GOALS,
    config: { limits: { maxSteps: 4 }, sandbox: { mode: "none" } },
  });
  t.after(cleanup);
  const flag = path.join(path.dirname(dir), "service.up");
  await installCommands(dir, {
    report: `if [ ! -f '${flag}' ]; then echo 'report: service unavailable' >&2; exit 69; fi\necho done > report.txt`,
    idle: "echo idle",
  });
  const state = await openState(dir, { logger: createMemoryLogger(), clock: () => new Date() });
  t.after(() => state.close());
  // Cycle 1: two identical failures mask `report` through cycle 2; cycle 2: still masked, the model only finishes.
  await cycleWith(state, new ScriptedBrain([run("report"), run("report"), finish]));
  const masked = state.db.data.learning.lessons.find((lesson) => lesson.kind === "avoid");
  assert.equal(masked?.mask?.untilCycle, 2);
  const second = new ScriptedBrain([finishCiting]);
  await cycleWith(state, second);
  assert.deepEqual(runEnum(second.schemas[0]), ["idle"], "in its cooldown the command is out of the grammar");
  return { dir, state, flag, lessonId: masked.id };
}

async function episodesOf(dir: string, cycle: number): Promise<Array<Record<string, unknown>>> {
  const lines = (await readFile(path.join(dir, "episodes.jsonl"), "utf8")).trim().split("\n");
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((episode) => episode.cycle === cycle && episode.kind === "step");
}

test("the service came back: cycle 3 retests the command unasked, retires the mask and meets the goal without the model", async (t) => {
  const { dir, state, flag, lessonId } = await serviceState(t);
  await writeFile(flag, "");
  const brain = new ScriptedBrain([]);
  const third = await cycleWith(state, brain);
  assert.equal(brain.opened, 0, "the retest met the goal: no model");
  assert.deepEqual(third.checks, [{ goal: "report", passed: true }]);
  assert.deepEqual(third.goals, [{ id: "report", verdict: "met", by: "retest" }]);
  const [retest, ...rest] = await episodesOf(dir, 3);
  assert.equal(rest.length, 0);
  assert.equal(retest?.retest, true);
  assert.equal(retest?.ok, true);
  const lesson = state.db.data.learning.lessons.find((each) => each.id === lessonId);
  assert.equal(lesson?.status, "retired");
  assert.match(lesson?.history.at(-1)?.reason ?? "", /the world changed: the retest succeeded/);
  const journal = await readFile(third.journalFile, "utf8");
  assert.match(journal, /met by retest/);
  assert.match(journal, /retest of a masked command: /);
  const skill = state.db.data.learning.skills.find((each) => each.goal === "report");
  assert.deepEqual(
    skill?.steps,
    [{ tool: "run", args: { command: "report", args: [] } }],
    "the retest that met the goal is its skill",
  );
});

test("the service is still down: the retest fails, the cooldown doubles, and the model's turn is offered the rest only", async (t) => {
  const { dir, state, lessonId } = await serviceState(t);
  const brain = new ScriptedBrain([finishCiting]);
  const third = await cycleWith(state, brain);
  assert.equal(brain.opened, 1);
  assert.deepEqual(runEnum(brain.schemas[0]), ["idle"], "the failed retest masks the command again within the cycle");
  assert.deepEqual(third.goals, [{ id: "report", verdict: "unmet" }]);
  const episodes = await episodesOf(dir, 3);
  assert.deepEqual(
    episodes.map((episode) => [episode.tool, episode.retest === true, episode.ok]),
    [
      ["run", true, false],
      ["finish", false, true],
    ],
  );
  const mask = state.db.data.learning.lessons.find((each) => each.id === lessonId)?.mask;
  assert.equal(mask?.cooldownCycles, 2);
  assert.equal(mask?.untilCycle, 5);
  // Cycle 4 is inside the new cooldown: no retest, and the model is loaded at once.
  const fourth = new ScriptedBrain([finishCiting]);
  await cycleWith(state, fourth);
  assert.deepEqual(
    (await episodesOf(dir, 4)).map((episode) => episode.tool),
    ["finish"],
  );
});

test("a command masked as ineffective (it ran fine and did nothing) is not retested unasked: its open retest is the model's to take", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: GOALS,
    config: { limits: { maxSteps: 4 }, sandbox: { mode: "none" } },
  });
  t.after(cleanup);
  await installCommands(dir, { idle: "echo idle", report: "echo 'report: service unavailable' >&2; exit 69" });
  const state = await openState(dir, { logger: createMemoryLogger(), clock: () => new Date() });
  t.after(() => state.close());
  for (let cycle = 1; cycle <= 2; cycle += 1) await cycleWith(state, new ScriptedBrain([run("idle"), finish]));
  const ineffective = state.db.data.learning.lessons.find((lesson) => lesson.kind === "avoid");
  assert.equal(ineffective?.mask?.signature, "ineffective");
  assert.equal(ineffective.mask.untilCycle, 3);
  await cycleWith(state, new ScriptedBrain([finishCiting]));
  const fourth = new ScriptedBrain([finishCiting]);
  await cycleWith(state, fourth);
  assert.equal(fourth.opened, 1);
  assert.deepEqual(
    (await episodesOf(dir, 4)).map((episode) => episode.tool),
    ["finish"],
    "no unasked retest of idle",
  );
  assert.deepEqual(runEnum(fourth.schemas[0]), ["idle", "report"], "its retest is open: the model is offered it");
});
