// A list is refused where an object belongs, even when every key of the object is optional (it is not read as `{}` with every default).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, parseConfig } from "../../src/config.js";
import { parseLessonOp } from "../../src/learning/operator-ops.js";
import { createDefaultDbData, parseDbData } from "../../src/memory/db.js";
import { loadGoals } from "../../src/memory/goals-file.js";

test("config: a list at the top or for a section is an error naming where", () => {
  for (const [raw, where] of [
    [[], "(top level)"],
    [{ model: [] }, "model"],
    [{ limits: [] }, "limits"],
    [{ tools: { commandArgs: [] } }, "tools.commandArgs"],
  ] as const) {
    assert.throws(
      () => parseConfig(raw, "config.json"),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.issues.some((issue) => issue === `${where}: Invalid type: Expected Object but received Array`),
    );
  }
});

test("goals.yaml: a list at the top or as a goal is an error, not an empty goals file", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-goals-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const top = path.join(dir, "top.yaml");
  await writeFile(top, "- id: a\n  title: t\n");
  const topResult = await loadGoals(top);
  assert.ok(!topResult.ok);
  assert.match(topResult.error, /\(top level\): Invalid type: Expected Object but received Array/);
  const entry = path.join(dir, "entry.yaml");
  await writeFile(entry, "goals:\n  - []\n");
  const entryResult = await loadGoals(entry);
  assert.ok(!entryResult.ok);
  assert.match(entryResult.error, /goal 1 \(line 2\): Invalid type: Expected Object but received Array/);
});

test("db: a list for goals or situations is a schema mismatch", () => {
  assert.throws(
    () => parseDbData({ ...createDefaultDbData(), goals: [] }),
    /schema mismatch at goals: Invalid type: Expected Object but received Array/,
  );
  const data = createDefaultDbData();
  assert.throws(
    () => parseDbData({ ...data, learning: { ...data.learning, situations: [] } }),
    /schema mismatch at learning\.situations/,
  );
});

test("lesson op: a list is called a list", () => {
  const result = parseLessonOp("[]");
  assert.ok(!result.ok);
  assert.match(result.reason, /^\(top level\): Invalid type: Expected Object but received Array/);
});
