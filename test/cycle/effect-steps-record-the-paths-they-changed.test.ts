// Each effect step records the workspace paths it added, removed or changed (changedPaths), from the scans before and after it; a step that changed nothing records none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { changedPathsBetween, fingerprintWorkspace, scanWorkspace } from "../../src/cycle/world-fingerprint.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { installCommands } from "../support/command-fixture.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

const GOALS = "version: 1\ngoals:\n  - id: never\n    title: A goal no step meets.\n    check: test -f never.txt\n";

interface StepLine {
  kind: string;
  step: number;
  tool: string;
  changedWorld?: boolean;
  changedPaths?: string[];
}

test("a run that writes two files records both; a write of identical bytes records nothing; a write into a new folder records the folder too", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: GOALS,
    workspace: { "notes.txt": "eggs\n", "old.txt": "gone soon\n" },
    config: { limits: { maxSteps: 6 } },
  });
  t.after(cleanup);
  await installCommands(dir, { "two-files": "echo a > a.txt; echo b > b.txt; rm old.txt" }, [
    "run",
    "write_file",
    "finish",
  ]);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const brain = new ScriptedBrain([
    JSON.stringify({ thought: "t", tool: "run", args: { command: "two-files", args: [] } }),
    JSON.stringify({ thought: "t", tool: "write_file", args: { path: "notes.txt", content: "eggs\n" } }),
    JSON.stringify({ thought: "t", tool: "write_file", args: { path: "sub/c.txt", content: "c\n" } }),
    JSON.stringify({ thought: "t", tool: "finish", args: { summary: "done" } }),
  ]);
  const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
  assert.equal(result.status, "ran");
  const steps = (await readFile(path.join(dir, "episodes.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as StepLine)
    .filter((line) => line.kind === "step");
  const byStep = (step: number): StepLine | undefined => steps.find((line) => line.step === step);
  assert.deepEqual(byStep(1)?.changedPaths, ["a.txt", "b.txt", "old.txt"], "added, added, removed");
  assert.equal(byStep(2)?.changedWorld, undefined);
  assert.equal(byStep(2)?.changedPaths, undefined, "the same bytes rewritten change nothing");
  assert.deepEqual(byStep(3)?.changedPaths, ["sub", "sub/c.txt"]);
  assert.equal(byStep(4)?.changedPaths, undefined, "finish changes nothing");
});

test("changed paths are unknown when a scan was cut short, or when more than the cap changed", () => {
  const scan = (entries: Record<string, string>, complete = true) => ({
    fingerprint: JSON.stringify(entries),
    entries: new Map(Object.entries(entries)),
    complete,
  });
  assert.deepEqual(changedPathsBetween(scan({ a: "1" }), scan({ a: "2", b: "1" })), ["a", "b"]);
  assert.equal(changedPathsBetween(scan({ a: "1" }), scan({ a: "2" }, false)), undefined);
  assert.equal(changedPathsBetween(scan({ a: "1", b: "1", c: "1" }), scan({}), 2), undefined);
  assert.deepEqual(changedPathsBetween(scan({ a: "1" }), scan({ a: "1" })), []);
});

test("the scan keeps the fingerprint's value, so masks learned before still match their worlds", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false, workspace: { "x.txt": "x\n" } });
  t.after(cleanup);
  await mkdir(path.join(dir, "workspace", "sub"));
  const scan = await scanWorkspace(path.join(dir, "workspace"));
  assert.equal(scan.complete, true);
  assert.deepEqual([...scan.entries.keys()].sort(), ["sub", "x.txt"]);
  // The fingerprint as it was computed before entries were kept: name, size, content, then each folder.
  const before = createHash("sha256")
    .update("x.txt\u00002\u0000")
    .update("x\n")
    .update("\u0000")
    .update("dir\u0000.\u0000")
    .update("dir\u0000sub\u0000");
  assert.equal(scan.fingerprint, before.digest("hex").slice(0, 16));
  assert.equal(await fingerprintWorkspace(path.join(dir, "workspace")), scan.fingerprint);
});
