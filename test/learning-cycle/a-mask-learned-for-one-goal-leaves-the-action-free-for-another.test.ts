// Issue 15: lessons and masks are scoped to a goal. `run make-backup` is masked for report (useless there), and it is
// exactly what backup needs: with both goals due in the same cycle and the same world, report's turn is not offered
// it and backup's turn is, and backup is met.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { fingerprintAction, fingerprintWorkspace } from "../../src/cycle/world-fingerprint.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { normalizeAction } from "../../src/learning/action-key.js";
import { INEFFECTIVE_SIGNATURE } from "../../src/learning/outcome-rules.js";
import { createMemoryLogger } from "../../src/log.js";
import { findProgram } from "../../src/tools/run-command.js";
import { runEnum } from "../support/offered-commands.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { openTwoGoalState, readEpisodes, run } from "./helpers/two-goal-state.js";

test("a mask on run make-backup learned for report does not stop backup using it in the same cycle", async (t) => {
  const { dir, state } = await openTwoGoalState(t, { maxSteps: 4 });
  // report's mask on make-backup, in the world as the cycle starts (as the ineffective rule would store it).
  const program = await findProgram("make-backup", [path.join(dir, "bin")]);
  assert.ok(program.ok);
  const world = fingerprintAction(await fingerprintWorkspace(path.join(dir, "workspace")), program.absolute);
  const now = new Date().toISOString();
  state.db.data.learning.lessons.push({
    id: "L1",
    text: "make-backup does nothing for report.",
    kind: "avoid",
    scope: { goal: "report", tool: "run", keywords: [] },
    action: normalizeAction("run", { command: "make-backup", args: [] }),
    evidence: ["c0s1", "c0s2"],
    helpful: 0,
    harmful: 0,
    status: "provisional",
    source: "self",
    tainted: false,
    createdAt: now,
    createdCycle: 0,
    history: [],
    mask: { fingerprint: world, signature: INEFFECTIVE_SIGNATURE, cooldownCycles: 4, untilCycle: 10, retests: 0 },
  });
  state.db.data.learning.nextLessonId = 2;

  // report's turn gives up at once (the world stays as it was); backup's turn runs make-backup. report's turn recalls
  // L1, so its grammar asks for a `cite`.
  const brain = new ScriptedBrain([
    JSON.stringify({ thought: "t", cite: [], tool: "finish", args: { summary: "no idea" } }),
    run("make-backup"),
  ]);
  const result = await runCycle(
    buildCycleDeps(state, { brain, logger: createMemoryLogger(), clock: () => new Date() }),
  );
  assert.ok(result.status === "ran", JSON.stringify(result));

  assert.deepEqual(runEnum(brain.schemas[0]), ["make-report", "tidy"], "the mask holds for report, in this world");
  assert.match(brain.prompts[0]?.request ?? "", /Goal now: report/);
  assert.deepEqual(
    runEnum(brain.schemas[1]),
    ["make-report", "make-backup", "tidy"],
    "backup's turn, same world: make-backup is offered",
  );
  assert.match(brain.prompts[1]?.request ?? "", /Goal now: backup/);
  assert.doesNotMatch(brain.prompts[1]?.request ?? "", /Masked now/);

  const steps = (await readEpisodes(dir)).filter((episode) => episode.kind === "step");
  const backupStep = steps.find((step) => step.goal === "backup");
  assert.equal(backupStep?.ok, true, JSON.stringify(backupStep));
  assert.equal(backupStep?.blocked, undefined, "not blocked by report's mask");
  assert.deepEqual(result.goals, [
    { id: "report", verdict: "unmet" },
    { id: "backup", verdict: "met", by: "steps" },
  ]);
  assert.match(result.summary ?? "", /^1 of 2 goals met/);

  // backup's success is not evidence against (or for) report's mask, and backup gets no mask of its own.
  const lessons = state.db.data.learning.lessons;
  assert.equal(lessons.find((lesson) => lesson.id === "L1")?.status, "provisional");
  assert.equal(lessons.filter((lesson) => lesson.scope.goal === "backup" && lesson.mask !== undefined).length, 0);
  assert.deepEqual(state.db.data.learning.skills.find((skill) => skill.goal === "backup")?.steps, [
    { tool: "run", args: { command: "make-backup", args: [] } },
  ]);
});
