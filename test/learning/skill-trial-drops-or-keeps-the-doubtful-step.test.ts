// A saved skill keeps pruning's doubtful marks and reasons; a trial's verdict drops a doubtful step (the later marks move up) or keeps it for good; a stale verdict changes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderLessonsMarkdown } from "../../src/learning/lessons-markdown.js";
import { recordSkillReplay, recordSkillSuccess, recordSkillTrial } from "../../src/learning/skill-rules.js";
import { emptyData, timeOf } from "./helpers/learning-fixtures.js";

const at = (cycle: number) => ({ cycle, now: timeOf(cycle) });
const run = (command: string) => ({ tool: "run", args: { command, args: [] as string[] } });
const steps = [run("touch-log"), run("stamp"), run("make")];
const pruned = {
  steps,
  doubtful: [0, 1],
  summary: "dropped s2 (failed); doubtful: step 1 (run touch-log) changed only log.txt, which the check does not name",
};

test("a new skill keeps the doubtful marks, its history says what pruning did, and lessons.md marks the steps", () => {
  const data = emptyData();
  recordSkillSuccess(data, "report", pruned, ["c1s1"], at(1));
  const skill = data.skills[0];
  assert.deepEqual(skill?.doubtful, [0, 1]);
  assert.equal(skill?.history[0]?.reason, `goal report's check passed after 3 step(s); ${pruned.summary}`);
  const markdown = renderLessonsMarkdown(data, timeOf(1), 1);
  assert.match(markdown, /1\. run touch-log \(doubtful: a replay will try without it\)/);
  assert.match(markdown, /3\. run make\n/);
});

test("passed: the step is dropped and the later doubtful marks move up; failed: the step stays and is no longer doubtful", () => {
  const data = emptyData();
  recordSkillSuccess(data, "report", pruned, ["c1s1"], at(1));
  const dropped = recordSkillTrial(data, { skillId: "S1", step: 0, left: run("touch-log"), outcome: "passed" }, at(2));
  assert.deepEqual(dropped, [
    { id: "S1", change: "step-dropped", reason: "dropped step 1 (run touch-log): the check passed without it" },
  ]);
  const skill = data.skills[0];
  assert.deepEqual(skill?.steps, [run("stamp"), run("make")]);
  assert.deepEqual(skill?.doubtful, [0], "stamp was step 2, now step 1");

  const kept = recordSkillTrial(data, { skillId: "S1", step: 0, left: run("stamp"), outcome: "step-failed" }, at(3));
  assert.deepEqual(kept, [
    { id: "S1", change: "step-kept", reason: "kept step 1 (run stamp): a later step failed without it" },
  ]);
  assert.deepEqual(skill?.steps, [run("stamp"), run("make")]);
  assert.equal(skill?.doubtful, undefined);
});

test("a verdict about a step the skill no longer has there, or no longer doubts, is ignored", () => {
  const data = emptyData();
  recordSkillSuccess(data, "report", pruned, ["c1s1"], at(1));
  assert.deepEqual(recordSkillTrial(data, { skillId: "S1", step: 0, left: run("make"), outcome: "passed" }, at(2)), []);
  assert.deepEqual(
    recordSkillTrial(data, { skillId: "S1", step: 2, left: run("make"), outcome: "passed" }, at(2)),
    [],
    "make is not doubtful",
  );
  assert.deepEqual(
    recordSkillTrial(data, { skillId: "S9", step: 0, left: run("touch-log"), outcome: "passed" }, at(2)),
    [],
  );
  assert.equal(data.skills[0]?.steps.length, 3);
});

test("shorter steps replace the skill's steps and their doubtful marks; plain steps clear them", () => {
  const data = emptyData();
  recordSkillSuccess(data, "report", pruned, ["c1s1"], at(1));
  recordSkillSuccess(
    data,
    "report",
    { steps: [run("log2"), run("make")], doubtful: [0], summary: "" },
    ["c2s1"],
    at(2),
  );
  assert.deepEqual(data.skills[0]?.doubtful, [0]);
  recordSkillSuccess(data, "report", [run("make")], ["c3s1"], at(3));
  assert.equal(data.skills[0]?.doubtful, undefined);
});

test("regression: thirty replays after a trial pushed 'created' and 'step-dropped' out of the skill's history and lessons.md", () => {
  const data = emptyData();
  recordSkillSuccess(data, "report", pruned, ["c1s1"], at(1));
  recordSkillTrial(data, { skillId: "S1", step: 0, left: run("touch-log"), outcome: "passed" }, at(2));
  for (let cycle = 3; cycle < 33; cycle++) recordSkillReplay(data, "S1", true, at(cycle));
  const skill = data.skills[0];
  assert.equal(skill?.history.length, 20, "the history stays capped");
  assert.deepEqual(
    skill?.history.slice(0, 2).map((entry) => entry.change),
    ["created", "step-dropped"],
    "the changes that shaped the skill outlive its uses",
  );
  const markdown = renderLessonsMarkdown(data, timeOf(32), 32);
  assert.match(markdown, /cycle 1: created: goal report's check passed after 3 step\(s\)/);
  assert.match(markdown, /cycle 2: step-dropped: dropped step 1 \(run touch-log\): the check passed without it/);
  assert.match(markdown, /cycle 32: replay-succeeded/, "the latest use is shown");
  assert.match(markdown, /… and 17 earlier use\(s\) \(see db\.json\)/);
  assert.doesNotMatch(markdown, /cycle 31: replay-succeeded/);
});
