// pruneSkillSteps drops failed, overwritten and repeated steps, and marks doubtful the kept steps that changed only files the check does not name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeAction } from "../../src/learning/action-key.js";
import { pruneSkillSteps, type PrunableStep } from "../../src/learning/prune-skill-steps.js";

/** `changedPaths` undefined: the step changed nothing; `[]`: it changed the workspace, where is not known. */
function run(step: number, command: string, changedPaths?: string[], ok = true): PrunableStep {
  const args = { command, args: [] };
  return {
    step,
    tool: "run",
    args,
    ok,
    action: normalizeAction("run", args),
    ...(ok && changedPaths !== undefined
      ? { changedWorld: true, ...(changedPaths.length > 0 ? { changedPaths } : {}) }
      : {}),
  };
}

function file(
  step: number,
  tool: "write_file" | "append_file",
  filePath: string,
  content: string,
  changed = true,
): PrunableStep {
  const args = { path: filePath, content };
  return {
    step,
    tool,
    args,
    ok: true,
    action: normalizeAction(tool, args),
    touched: [filePath],
    ...(changed ? { changedWorld: true, changedPaths: [filePath] } : {}),
  };
}

const commands = (steps: ReadonlyArray<{ tool: string; args: Record<string, unknown> }>): string[] =>
  steps.map((step) =>
    step.tool === "run" ? `run ${String(step.args.command)}` : `${step.tool} ${String(step.args.path)}`,
  );

test("failed steps, writes a later write replaced and exact repeats are dropped, and the summary says which and why", () => {
  const pruned = pruneSkillSteps(
    [
      run(1, "make-report", undefined, false),
      file(2, "write_file", "draft.txt", "first try"),
      file(3, "write_file", "shopping.txt", "milk\n"),
      file(4, "write_file", "draft.txt", "second try"),
      run(5, "show-status"),
      {
        step: 6,
        tool: "read_file",
        args: { path: "draft.txt" },
        ok: true,
        action: normalizeAction("read_file", { path: "draft.txt" }),
      },
      file(7, "append_file", "shopping.txt", "eggs\n"),
      file(8, "write_file", "draft.txt", "first try"),
    ],
    "grep -q milk shopping.txt && grep -q try draft.txt",
  );
  // s2 was replaced by s4 and s4 by s8, with no effective command between; s8 is no repeat of s2, which is gone.
  assert.deepEqual(commands(pruned.steps), [
    "write_file shopping.txt",
    "append_file shopping.txt",
    "write_file draft.txt",
  ]);
  assert.deepEqual(pruned.steps[2]?.args, { path: "draft.txt", content: "first try" });
  assert.deepEqual(pruned.doubtful, []);
  assert.match(pruned.summary, /s1 \(failed\)/);
  assert.match(pruned.summary, /s5 \(changed nothing\)/);
  assert.match(pruned.summary, /s2 \(overwritten by s4\), s4 \(overwritten by s8\)/);
  assert.doesNotMatch(pruned.summary, /s6/, "a read is no skill step, so not one pruning dropped");

  const repeated = pruneSkillSteps(
    [run(1, "fetch-data", ["data.raw"]), run(2, "make-report", ["report.txt"]), run(3, "fetch-data", ["data.raw"])],
    "grep -q x report.txt",
  );
  assert.deepEqual(commands(repeated.steps), ["run fetch-data", "run make-report"]);
  assert.match(repeated.summary, /s3 \(repeats s1\)/);
});

test("a write is kept when a command ran between it and the write that replaced it, or when a later append only extended it", () => {
  const readBetween = pruneSkillSteps(
    [file(1, "write_file", "in.txt", "a"), run(2, "convert", ["out.txt"]), file(3, "write_file", "in.txt", "b")],
    "grep -q a out.txt",
  );
  assert.deepEqual(commands(readBetween.steps), ["write_file in.txt", "run convert", "write_file in.txt"]);
  const appended = pruneSkillSteps(
    [file(1, "write_file", "log.txt", "start\n"), file(2, "append_file", "log.txt", "more\n")],
    "grep -q start log.txt",
  );
  assert.deepEqual(commands(appended.steps), ["write_file log.txt", "append_file log.txt"]);
});

test("a step that changed only a file the check does not name is doubtful; a run that changed the checked file is kept and not doubtful", () => {
  const pruned = pruneSkillSteps(
    [run(1, "touch-log", ["log.txt"]), run(2, "add-milk", ["shopping.txt", "tmp/cache"])],
    "grep -q milk shopping.txt",
  );
  assert.deepEqual(commands(pruned.steps), ["run touch-log", "run add-milk"]);
  assert.deepEqual(pruned.doubtful, [0]);
  assert.match(
    pruned.summary,
    /doubtful: step 1 \(run touch-log\) changed only log\.txt, which the check does not name/,
  );
});

test("a folder or a path beneath it named by the check counts as named; a write and its append go or stay together", () => {
  const folder = pruneSkillSteps(
    [run(1, "make-dir", ["out"]), run(2, "touch-stamp", ["stamp"])],
    "test -d out && echo ok",
  );
  assert.deepEqual(folder.doubtful, [1]);
  const beneath = pruneSkillSteps([run(1, "render", ["site/index.html"])], "grep -q milk ./site/index.html");
  assert.deepEqual(beneath.doubtful, []);
  const named = pruneSkillSteps(
    [file(1, "write_file", "notes.txt", "head\n"), file(2, "append_file", "notes.txt", "milk\n")],
    "grep -q milk notes.txt",
  );
  assert.deepEqual(named.doubtful, []);
  // The check reads only what publish made: the write and the append it extends both changed notes.txt alone.
  const unnamed = pruneSkillSteps(
    [
      file(1, "write_file", "notes.txt", "head\n"),
      file(2, "append_file", "notes.txt", "milk\n"),
      run(3, "publish", ["out/notes.html"]),
    ],
    "test -s out/notes.html",
  );
  assert.deepEqual(unnamed.doubtful, [0, 1]);
});

test("nothing is doubtful where it cannot be known: unknown changed paths, a check with a glob or a variable, or no check", () => {
  assert.deepEqual(
    pruneSkillSteps([run(1, "touch-log", [])], "grep -q milk shopping.txt").doubtful,
    [],
    "changed paths unknown",
  );
  assert.deepEqual(pruneSkillSteps([run(1, "touch-log", ["log.txt"])], "grep -q milk *.txt").doubtful, []);
  assert.deepEqual(pruneSkillSteps([run(1, "touch-log", ["log.txt"])], 'grep -q milk "$FILE"').doubtful, []);
  assert.deepEqual(pruneSkillSteps([run(1, "touch-log", ["log.txt"])]).doubtful, []);
  assert.deepEqual(
    pruneSkillSteps([run(1, "touch-log", ["log.txt"])], "[ -s shopping.txt ]").doubtful,
    [0],
    "a test bracket is no glob",
  );
});

test("the procedure's fetch and clean are doubtful (a command's reads cannot be known), so only a retest can keep them", () => {
  const pruned = pruneSkillSteps(
    [run(1, "fetch-data", ["data.raw"]), run(2, "clean-data", ["data.clean"]), run(3, "make-report", ["report.txt"])],
    "grep -qx 'total: 42' report.txt",
  );
  assert.equal(pruned.steps.length, 3);
  assert.deepEqual(pruned.doubtful, [0, 1]);
});
