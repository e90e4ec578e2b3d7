// Validation errors read `dotted.path: message`: an unknown key is named at its object, a missing key at its own path, numbers must be finite safe integers where whole.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, parseConfig } from "../../src/config.js";
import { createDefaultDbData, parseDbData } from "../../src/memory/db.js";
import { loadGoals } from "../../src/memory/goals-file.js";

function configIssues(raw: unknown): string[] {
  try {
    parseConfig(raw, "config.json");
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return assert.fail("expected a ConfigError");
}

test("an unknown key is named at the object that holds it", () => {
  assert.deepEqual(configIssues({ model: { thread: 2 } }), ['model: Unrecognized key: "thread"']);
  assert.deepEqual(configIssues({ extra: 1 }), ['(top level): Unrecognized key: "extra"']);
});

test("a missing key is named at its own path", () => {
  const db = createDefaultDbData();
  assert.throws(
    () => parseDbData({ ...db, cycle: {} }),
    /^Error: schema mismatch at cycle\.count: missing \(required\)$/,
  );
});

test("a cross-field rule is reported at the field it names", () => {
  assert.deepEqual(configIssues({ limits: { softTempC: 90, maxTempC: 80 } }), [
    "limits.softTempC: softTempC must not be above maxTempC",
  ]);
});

test("whole numbers must be safe integers and plain numbers finite", () => {
  assert.match(configIssues({ model: { seed: 2 ** 60 } }).join("\n"), /^model\.seed: /);
  assert.match(configIssues({ limits: { maxSteps: 1.5 } }).join("\n"), /^limits\.maxSteps: /);
  const db = createDefaultDbData();
  // JSON.parse reads 1e999 as Infinity, which JSON.stringify would write back as null.
  const record = {
    cycle: 1,
    startedAt: "s",
    endedAt: "e",
    status: "ran",
    steps: 0,
    failedSteps: 0,
    durationMs: JSON.parse("1e999") as number,
  };
  assert.throws(() => parseDbData({ ...db, cycles: [record] }), /schema mismatch at cycles\.0\.durationMs/);
  assert.throws(() => parseDbData({ ...db, cycle: { count: 2 ** 60 } }), /schema mismatch at cycle\.count/);
});

test("a check over a whole file names the nested field it found wrong", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-goals-dup-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "goals.yaml");
  await writeFile(
    file,
    "version: 1\ngoals:\n  - id: tidy\n    title: Tidy notes.\n  - id: report\n    title: Write the report.\n  - id: tidy\n    title: Tidy again.\n",
  );
  const result = await loadGoals(file);
  assert.deepEqual(result, {
    ok: false,
    error: `${file} is not a valid goals file:\n  - goal "tidy" (line 7): id: duplicate goal id "tidy"`,
  });
});
