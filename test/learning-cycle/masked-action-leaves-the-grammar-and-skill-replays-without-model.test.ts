import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState, type OpenState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { writeDb } from "../../src/memory/db.js";
import { installCommands } from "../support/command-fixture.js";
import { runEnum } from "../support/offered-commands.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const GOALS =
  "version: 1\ngoals:\n  - id: report\n    title: Produce report.txt saying done.\n    check: grep -q done report.txt\n";

async function cycleWith(state: OpenState, brain: ScriptedBrain) {
  const logger = createMemoryLogger();
  return runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
}

test("two identical failures take the action out of the grammar; a passed check saves a skill that the next cycle replays without loading the model", async (t) => {
  const { dir, cleanup } = await makeStateDir({ goalsYaml: GOALS, config: { limits: { maxSteps: 6 } } });
  t.after(cleanup);
  await installCommands(dir, {
    broken: "echo 'broken: cannot open /dev/thing' >&2; exit 3",
    make: "echo done > report.txt",
  });
  const state = await openState(dir, { logger: createMemoryLogger(), clock: () => new Date() });
  t.after(() => state.close());

  const run = (command: string) => JSON.stringify({ thought: "t", tool: "run", args: { command, args: [] } });
  const brain = new ScriptedBrain([
    run("broken"),
    run("broken"),
    run("make"),
    JSON.stringify({ thought: "t", tool: "finish", args: { summary: "made" } }),
  ]);
  const first = await cycleWith(state, brain);
  assert.ok(first.status === "ran", JSON.stringify(first));
  assert.deepEqual(first.checks, [{ goal: "report", passed: true }]);

  // Steps 1 and 2 could offer "broken"; after its second identical failure, step 3's grammar no longer does.
  assert.deepEqual(runEnum(brain.schemas[0]), ["broken", "make"]);
  assert.deepEqual(runEnum(brain.schemas[2]), ["make"]);
  const learning = state.db.data.learning;
  const avoid = learning.lessons.find((lesson) => lesson.kind === "avoid");
  assert.ok(avoid?.mask, "an avoid lesson with a mask exists");
  assert.equal(avoid.action?.tool, "run");
  assert.deepEqual(avoid.evidence, ["c1s1", "c1s2"]);
  const skill = learning.skills.find((candidate) => candidate.goal === "report");
  assert.ok(skill);
  assert.deepEqual(skill.steps, [{ tool: "run", args: { command: "make", args: [] } }]);

  const lessonsMd = await readFile(path.join(dir, "lessons.md"), "utf8");
  assert.match(lessonsMd, new RegExp(avoid.id));
  const journal = await readFile(first.journalFile, "utf8");
  assert.match(journal, new RegExp(`${avoid.id} `));

  // The world is reset and the goal made due again: the skill is replayed and the model is never loaded.
  await rm(path.join(dir, "workspace", "report.txt"));
  delete state.db.data.goals.report?.doneAt;
  await writeDb(state.db);
  const replayBrain = new ScriptedBrain([]);
  const second = await cycleWith(state, replayBrain);
  assert.ok(second.status === "ran", JSON.stringify(second));
  assert.equal(replayBrain.opened, 0, "replaying a skill needs no model");
  assert.equal(second.steps, 1);
  assert.deepEqual(second.checks, [{ goal: "report", passed: true }]);
  assert.equal(state.db.data.learning.skills[0]?.successes, 2);
});

test("a skill step naming a command the config no longer allows is refused, and the cycle falls back to exploring", async (t) => {
  const { dir, cleanup } = await makeStateDir({ goalsYaml: GOALS });
  t.after(cleanup);
  await installCommands(dir, { make: "echo done > report.txt" });
  const state = await openState(dir, { logger: createMemoryLogger(), clock: () => new Date() });
  t.after(() => state.close());
  const now = new Date().toISOString();
  state.db.data.learning.skills.push({
    id: "S1",
    goal: "report",
    steps: [{ tool: "run", args: { command: "rm", args: [] } }],
    successes: 3,
    failures: 0,
    status: "active",
    createdAt: now,
    createdCycle: 0,
    evidence: [],
    history: [],
  });
  state.db.data.learning.nextSkillId = 2;
  const brain = new ScriptedBrain([JSON.stringify({ thought: "t", tool: "finish", args: { summary: "stop" } })]);
  const result = await cycleWith(state, brain);
  assert.equal(result.status, "ran");
  const episodes = (await readFile(path.join(dir, "episodes.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const replayed = episodes.find((episode) => episode.replay === "S1");
  assert.ok(replayed);
  assert.equal(replayed.ok, false);
  assert.match(replayed.error, /not an allowed command/);
  assert.equal(brain.opened, 1, "the failed replay fell back to the model");
  assert.equal(state.db.data.learning.skills[0]?.failures, 1);
});

test("apprentice teach: a lesson file in operator/ is stored pinned and operator-sourced without loading the model", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    workspace: { "shopping.txt": "milk\n" },
    operator: { "t1.lesson.md": "Always keep a backup of\nshopping.txt." },
  });
  t.after(cleanup);
  const state = await openState(dir, { logger: createMemoryLogger(), clock: () => new Date() });
  t.after(() => state.close());
  const brain = new ScriptedBrain([]);
  const result = await cycleWith(state, brain);
  assert.equal(result.status, "skipped", "a lesson alone is not work for the model");
  assert.equal(brain.opened, 0);
  const lesson = state.db.data.learning.lessons[0];
  assert.equal(lesson?.status, "pinned");
  assert.equal(lesson?.source, "operator");
  assert.equal(lesson?.text, "Always keep a backup of shopping.txt.");
  assert.match(await readFile(path.join(dir, "lessons.md"), "utf8"), /Always keep a backup/);
  const journalDir = path.join(dir, "journal");
  const [day] = await readdir(journalDir);
  assert.match(
    await readFile(path.join(journalDir, day ?? ""), "utf8"),
    /## Operator lessons[\s\S]*L1 created: taught by the operator/,
  );
});
