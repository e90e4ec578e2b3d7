// skillStepsOf keeps the successful steps that changed the workspace, in the order they first did, so a prerequisite stays before what needs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { skillStepsOf, type StepRecord } from "../../src/cycle/act-loop.js";
import { normalizeAction } from "../../src/learning/action-key.js";

function step(index: number, command: string, ok: boolean, changedWorld: boolean): StepRecord {
  const args = { command, args: [] };
  return {
    step: index,
    tool: "run",
    args,
    ok,
    durationMs: 1,
    action: normalizeAction("run", args),
    ...(changedWorld ? { changedWorld: true } : {}),
  };
}

test("failures, no-op repeats and reads fall away; the first effective run of each action keeps its place", () => {
  const steps: StepRecord[] = [
    step(1, "fetch-data", true, true),
    step(2, "make-report", false, false),
    step(3, "clean-data", true, true),
    {
      step: 4,
      tool: "read_file",
      args: { path: "data.clean" },
      ok: true,
      durationMs: 1,
      action: normalizeAction("read_file", { path: "data.clean" }),
    },
    step(5, "make-report", true, true),
    // Rewrites data.clean with the same bytes: no visible effect, so not part of the procedure.
    step(6, "clean-data", true, false),
    step(7, "fetch-data", true, true),
  ];
  assert.deepEqual(
    skillStepsOf(steps).steps.map((kept) => kept.args.command),
    ["fetch-data", "clean-data", "make-report"],
  );
});

test("a step without a recorded effect is never part of a skill", () => {
  assert.deepEqual(skillStepsOf([step(1, "show-status", true, false)]).steps, []);
});
