import { test } from "node:test";
import assert from "node:assert/strict";
import type { GoalReport, SkillReport } from "../../src/cli/goals-command.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState, runCliJson, snapshotTree } from "./helpers/inspect-fixture.js";

test("goals --json joins each goal of goals.yaml with its attempts, done or due, and the last check with its output head", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const before = await snapshotTree(dir);

  const goals = await runCliJson<GoalReport[]>(["goals", "--state", dir, "--json"]);

  assert.deepEqual(
    goals.map((goal) => [goal.id, goal.done, goal.attempts]),
    [
      ["shopping-list", true, 3],
      ["report", false, 2],
      ["tidy", false, 0],
    ],
  );
  const [shopping, report, tidy] = goals;
  assert.equal(shopping?.doneAt, "2026-01-05T09:03:00.000Z");
  assert.deepEqual(shopping?.lastCheck, { passed: true, at: "2026-01-05T09:03:00.000Z", outputHead: "" });
  assert.equal(report?.priority, 5);
  assert.equal(report?.check, "grep -q done report.txt");
  assert.deepEqual(report?.lastCheck, {
    passed: false,
    at: "2026-01-05T09:02:00.000Z",
    outputHead: "grep: report.txt: No such file or directory\n",
  });
  assert.equal(tidy?.lastCheck, undefined);
  assert.equal(tidy?.check, undefined);

  const text = await runCli(["goals", "--state", dir]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^shopping-list: done \(met .*\), 3 attempt\(s\)/m);
  assert.match(
    text.stdout,
    /^report: due, 2 attempt\(s\), priority 5\n.*\n {2}check: grep -q done report\.txt\n {2}last check: failed at .* — grep: report\.txt: No such file or directory$/m,
  );
  assert.deepEqual(await snapshotTree(dir), before, "goals reads only");
});

test("skills --json lists each skill with its goal, status, record and steps", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);

  const skills = await runCliJson<SkillReport[]>(["skills", "--state", dir, "--json"]);

  assert.deepEqual(skills, [
    {
      id: "S1",
      goal: "shopping-list",
      status: "active",
      successes: 1,
      failures: 0,
      createdCycle: 3,
      lastUsedCycle: 3,
      steps: [{ tool: "write_file", args: { path: "shopping.txt", content: "milk\n" } }],
    },
  ]);
  const text = await runCli(["skills", "--state", dir]);
  assert.match(
    text.stdout,
    /^S1: goal shopping-list, active, 1 success\(es\), 0 failure\(s\), 1 step\(s\)\n {2}1\. write_file \{"path":"shopping\.txt","content":"milk\\n"\}$/m,
  );
});
