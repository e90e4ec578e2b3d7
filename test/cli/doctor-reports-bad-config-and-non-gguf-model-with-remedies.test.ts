import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeStateDir, testModel } from "../support/state-fixture.js";
import { runCliSplit, snapshotDir } from "./model-test-support.js";

interface Check {
  id: string;
  status: string;
  finding: string;
  remedy?: string;
}

function findCheck(stdout: string, id: string): Check {
  const check = (JSON.parse(stdout) as { checks: Check[] }).checks.find((candidate) => candidate.id === id);
  assert.ok(check, `no ${id} check in ${stdout}`);
  return check;
}

test("a config with a bad field fails the config check, names the field, gives a remedy, exits 1 and is not moved aside", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { limits: { maxSteps: "many" } } });
  t.after(cleanup);
  const configBefore = await readFile(path.join(dir, "config.json"), "utf8");
  const before = await snapshotDir(dir);

  const json = await runCliSplit(["doctor", "--json", "--state", dir]);
  assert.equal(json.code, 1);
  const config = findCheck(json.stdout, "config");
  assert.equal(config.status, "fail");
  assert.match(config.finding, /limits\.maxSteps: .*number/);
  assert.match(config.remedy ?? "", /config\.json/);
  assert.equal(findCheck(json.stdout, "model").status, "ok", "model.path is still read from the config as written");

  const human = await runCliSplit(["doctor", "--state", dir]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^ {2}✗ config +.*limits\.maxSteps/m);
  assert.match(human.stdout, /^ +→ edit .*config\.json/m);
  assert.doesNotMatch(human.stdout + human.stderr, /^\s+at /m, "no stack trace");
  assert.equal(await readFile(path.join(dir, "config.json"), "utf8"), configBefore);
  assert.deepEqual(await snapshotDir(dir), before);
});

test("config.json that is not JSON is reported, not quarantined", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  await writeFile(path.join(dir, "config.json"), "{ not json");
  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  assert.equal(run.code, 1);
  const config = findCheck(run.stdout, "config");
  assert.match(config.finding, /not valid JSON/);
  assert.match(config.remedy ?? "", /JSON syntax/);
  assert.equal(await readFile(path.join(dir, "config.json"), "utf8"), "{ not json");
});

test("a model file that is not a GGUF fails the model check with a remedy and exit 1", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { model: { path: "models/notes.gguf" } } });
  t.after(cleanup);
  await writeFile(path.join(dir, "models", "notes.gguf"), "<html>404 not found</html>\n");

  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  assert.equal(run.code, 1);
  const model = findCheck(run.stdout, "model");
  assert.equal(model.status, "fail");
  assert.match(model.finding, /notes\.gguf is not a GGUF file/);
  assert.match(model.remedy ?? "", /pull the model again|\.gguf/);
  assert.equal(findCheck(run.stdout, "memory").status, "warn", "memory is not estimated for a broken model");

  const human = await runCliSplit(["doctor", "--state", dir]);
  assert.match(human.stdout, /^ {2}✗ model +.*not a GGUF file/m);
  assert.doesNotMatch(human.stdout + human.stderr, /^\s+at /m);
});

test("a GGUF cut short (an interrupted copy) is reported as incomplete with its expected size", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { model: { path: "models/cut.gguf" } } });
  t.after(cleanup);
  const whole = await readFile(await testModel());
  await writeFile(path.join(dir, "models", "cut.gguf"), whole.subarray(0, Math.floor(whole.length / 2)));

  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  assert.equal(run.code, 1);
  const model = findCheck(run.stdout, "model");
  assert.match(model.finding, /incomplete: .* of the .* its header describes/);
  assert.match(model.remedy ?? "", /resumes/);
});

test("a missing state dir fails with the init command as the remedy", async () => {
  const run = await runCliSplit(["doctor", "--json", "--state", "/nonexistent/apprentice-state"]);
  assert.equal(run.code, 1);
  assert.match(findCheck(run.stdout, "config").remedy ?? "", /apprentice init \/nonexistent\/apprentice-state/);
  assert.equal(findCheck(run.stdout, "state-dir").status, "fail");
});
