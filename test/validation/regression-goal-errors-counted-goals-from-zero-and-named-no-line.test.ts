// Regression (issue 17): a goals.yaml error read `goals.1.id: …`, counting goals from zero and naming no line; it now
// names the goal by its id, or by its number counted from 1, and the line in the file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadGoals } from "../../src/memory/goals-file.js";

async function goalsError(t: { after: (fn: () => Promise<void>) => void }, text: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-goal-errors-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "goals.yaml");
  await writeFile(file, text);
  const result = await loadGoals(file);
  assert.ok(!result.ok, "the goals file is refused");
  const [head, ...issues] = result.error.split("\n");
  assert.equal(head, `${file} is not a valid goals file:`);
  return issues;
}

test("a goal with an id is named by it, with the line of the wrong value", async (t) => {
  const issues = await goalsError(
    t,
    [
      "version: 1",
      "goals:",
      "  - id: tidy",
      "    title: Tidy notes.",
      "  - id: report",
      "    title: Write the report.",
      "    every: sometimes",
      "  - id: tidy",
      "    title: Tidy again.",
      "",
    ].join("\n"),
  );
  assert.deepEqual(issues, [
    '  - goal "report" (line 7): every: a duration such as "30m", "6h", "1d" or "1w"',
    '  - goal "tidy" (line 8): id: duplicate goal id "tidy"',
  ]);
});

test("a goal without a usable id is counted from 1, at the line where it starts", async (t) => {
  const issues = await goalsError(
    t,
    [
      "goals:",
      "  - id: tidy",
      "    title: Tidy notes.",
      "  - title: No id here.",
      "    check: test -f notes.txt",
      "  - []",
      "  - id: 42",
      "    title: A number for an id.",
      "",
    ].join("\n"),
  );
  assert.deepEqual(issues, [
    "  - goal 2 (line 4): id: missing (required)",
    "  - goal 3 (line 6): Invalid type: Expected Object but received Array",
    "  - goal 4 (line 7): id: Invalid type: Expected string but received 42",
  ]);
});

test("an unknown key names its goal and line; an issue outside the goals keeps its key", async (t) => {
  const issues = await goalsError(
    t,
    ["version: 2", "goals:", "  - id: tidy", "    title: Tidy notes.", "    colour: red", ""].join("\n"),
  );
  assert.deepEqual(issues, [
    "  - version (line 1): Invalid type: Expected 1 but received 2",
    '  - goal "tidy" (line 5): Unrecognized key: "colour"',
  ]);
});
