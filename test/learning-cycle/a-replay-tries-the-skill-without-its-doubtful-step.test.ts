// Leaner-skill retest: a replay first tries the skill without its first doubtful step; the goal's check decides whether the step goes for good or stays, and the goal is met in the same cycle either way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { fingerprintAction, fingerprintWorkspace } from "../../src/cycle/world-fingerprint.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { normalizeAction } from "../../src/learning/action-key.js";
import { openState, type OpenState } from "../../src/daemon/open-state.js";
import type { Skill } from "../../src/learning/types.js";
import { createMemoryLogger } from "../../src/log.js";
import { findProgram } from "../../src/tools/run-command.js";
import { installCommands } from "../support/command-fixture.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

function goalsWithCheck(check: string): string {
  return `version: 1\ngoals:\n  - id: report\n    title: Produce report.txt saying done.\n    check: "${check}"\n`;
}

function seedSkill(state: OpenState, commands: string[], doubtful: number[]): void {
  const skill: Skill = {
    id: "S1",
    goal: "report",
    steps: commands.map((command) => ({ tool: "run", args: { command, args: [] } })),
    successes: 1,
    failures: 0,
    status: "active",
    createdAt: new Date().toISOString(),
    createdCycle: 0,
    evidence: [],
    doubtful,
    history: [],
  };
  state.db.data.learning.skills.push(skill);
  state.db.data.learning.nextSkillId = 2;
}

async function replayCycle(dir: string, prepare: (state: OpenState) => void) {
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  try {
    prepare(state);
    const brain = new ScriptedBrain([]);
    const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
    const episodes = (await readFile(path.join(dir, "episodes.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return {
      result,
      opened: brain.opened,
      skill: structuredClone(state.db.data.learning.skills[0]),
      steps: episodes.filter((episode) => episode.kind === "step"),
    };
  } finally {
    await state.close();
  }
}

test("a useless step: the replay without it meets the goal, so the skill becomes one step and its history says why", async (t) => {
  const { dir, cleanup } = await makeStateDir({ goalsYaml: goalsWithCheck("grep -q done report.txt") });
  t.after(cleanup);
  await installCommands(dir, { "touch-log": "echo ran >> log.txt", make: "echo done > report.txt" });
  const { result, opened, skill, steps } = await replayCycle(dir, (state) =>
    seedSkill(state, ["touch-log", "make"], [0]),
  );
  assert.equal(opened, 0, "no model: the lean replay met the goal");
  assert.ok(result.status === "ran", JSON.stringify(result));
  assert.deepEqual(result.checks, [{ goal: "report", passed: true }]);
  assert.deepEqual(
    steps.map((step) => [(step.args as { command: string }).command, step.replayWithout]),
    [["make", 1]],
    "touch-log never ran",
  );
  assert.deepEqual(skill?.steps, [{ tool: "run", args: { command: "make", args: [] } }]);
  assert.equal(skill?.doubtful, undefined);
  assert.equal(skill?.successes, 2);
  assert.deepEqual(
    skill?.history.map((entry) => [entry.change, entry.reason]),
    [
      ["step-dropped", "dropped step 1 (run touch-log): the check passed without it"],
      ["replay-succeeded", "replay met goal report's check (successes 2, failures 0)"],
    ],
  );
  assert.match(
    await readFile(path.join(dir, "lessons.md"), "utf8"),
    /step-dropped: dropped step 1 \(run touch-log\): the check passed without it/,
  );
  assert.match(await readFile(result.journalFile, "utf8"), /S1 step-dropped/);
});

test("a doubtful step that is needed: the lean trial fails, the full replay meets the goal in the same cycle, and the step stays, no longer doubtful", async (t) => {
  // The check reads sig.txt without naming it (grep -r), so pruning would call sign doubtful; it is needed.
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: goalsWithCheck("grep -q done report.txt && grep -rq signed ."),
    config: { limits: { maxSteps: 3 } },
  });
  t.after(cleanup);
  await installCommands(dir, { "write-report": "echo done > report.txt", sign: "echo signed > sig.txt" });
  const { result, opened, skill, steps } = await replayCycle(dir, (state) =>
    seedSkill(state, ["write-report", "sign"], [1]),
  );
  assert.equal(opened, 0, "the full replay met the goal without the model");
  assert.ok(result.status === "ran", JSON.stringify(result));
  assert.deepEqual(result.checks, [{ goal: "report", passed: true }]);
  assert.deepEqual(
    steps.map((step) => [(step.args as { command: string }).command, step.replayWithout ?? null]),
    [
      ["write-report", 2],
      ["write-report", null],
      ["sign", null],
    ],
  );
  assert.equal(skill?.steps.length, 2);
  assert.equal(skill?.doubtful, undefined);
  assert.equal(skill?.successes, 2, "the replay's final outcome counts: a success");
  assert.equal(skill?.failures, 0);
  assert.deepEqual(
    skill?.history.map((entry) => entry.reason)[0],
    "kept step 2 (run sign): the check failed without it",
  );
});

test("no trial when the step budget cannot hold the lean replay and the full one after it", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: goalsWithCheck("grep -q done report.txt"),
    config: { limits: { maxSteps: 2 } },
  });
  t.after(cleanup);
  await installCommands(dir, { "touch-log": "echo ran >> log.txt", make: "echo done > report.txt" });
  const { result, skill, steps } = await replayCycle(dir, (state) => seedSkill(state, ["touch-log", "make"], [0]));
  assert.equal(result.status === "ran" ? result.checks[0]?.passed : undefined, true);
  assert.deepEqual(
    steps.map((step) => (step.args as { command: string }).command),
    ["touch-log", "make"],
  );
  assert.deepEqual(skill?.doubtful, [0], "still doubtful: tried another time");
});

test("a mask foresees the lean trial's failure: the trial stops before the masked step, spends no step on it, and the step stays", async (t) => {
  // clean needs raw.txt, which fetch makes; a mask (as two failures leave it) says clean fails in the starting world.
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: goalsWithCheck("grep -q done report.txt"),
    config: { limits: { maxSteps: 8 } },
  });
  t.after(cleanup);
  await installCommands(dir, {
    fetch: "echo raw > raw.txt",
    clean: "test -f raw.txt && echo clean > clean.txt",
    make: "test -f clean.txt && echo done > report.txt",
  });
  const program = await findProgram("clean", [path.join(dir, "bin")]);
  assert.ok(program.ok);
  const world = fingerprintAction(await fingerprintWorkspace(path.join(dir, "workspace")), program.absolute);
  const { result, opened, skill, steps } = await replayCycle(dir, (state) => {
    seedSkill(state, ["fetch", "clean", "make"], [0, 1]);
    const now = new Date().toISOString();
    state.db.data.learning.lessons.push({
      id: "L1",
      text: "clean fails here.",
      kind: "avoid",
      scope: { goal: "report", tool: "run", keywords: [] },
      action: normalizeAction("run", { command: "clean", args: [] }),
      evidence: ["c0s1", "c0s2"],
      helpful: 0,
      harmful: 0,
      status: "provisional",
      source: "self",
      tainted: false,
      createdAt: now,
      createdCycle: 0,
      history: [],
      mask: { fingerprint: world, signature: "exit 1", cooldownCycles: 4, untilCycle: 10, retests: 0 },
    });
    state.db.data.learning.nextLessonId = 2;
  });
  assert.equal(opened, 0);
  assert.equal(result.status === "ran" ? result.checks[0]?.passed : undefined, true);
  assert.deepEqual(
    steps.map((step) => [(step.args as { command: string }).command, step.replayWithout ?? null, step.ok]),
    [
      ["fetch", null, true],
      ["clean", null, true],
      ["make", null, true],
    ],
    "the trial without fetch would start with the masked clean: no step was spent on it, only the full replay ran",
  );
  assert.equal(skill?.steps.length, 3);
  assert.deepEqual(skill?.doubtful, [1], "fetch is no longer doubtful; clean waits for its own trial");
  assert.equal(
    skill?.history[0]?.reason,
    "kept step 1 (run fetch): lesson L1 masks a later step in the world reached without it",
  );
});
