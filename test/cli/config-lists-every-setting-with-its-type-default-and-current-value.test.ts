import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeStateDir } from "../support/state-fixture.js";
import { runCliSplit, snapshotDir } from "./model-test-support.js";

interface SettingJson {
  key: string;
  type: string;
  default?: unknown;
  current?: unknown;
  set?: boolean;
  description: string;
}

interface ConfigJson {
  file?: string;
  sections: Array<{ key: string; description: string }>;
  settings: SettingJson[];
}

function settingOf(report: ConfigJson, key: string): SettingJson {
  const setting = report.settings.find((candidate) => candidate.key === key);
  assert.ok(setting, `${key} in ${report.settings.map((entry) => entry.key).join(", ")}`);
  return setting;
}

/** A state dir whose config.json sets model.seed 1 and limits.maxSteps 3, and leaves thoughtMaxChars and commandArgs out. */
async function makeConfiguredState() {
  return makeStateDir({ withModel: false, config: { tools: { commandArgs: { ls: 2 } } } });
}

test("config --json prints one document with each setting's type, default, current value and whether config.json sets it", async (t) => {
  const { dir, cleanup } = await makeConfiguredState();
  t.after(cleanup);
  const before = await snapshotDir(dir);
  const run = await runCliSplit(["config", "--json", "--state", dir]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as ConfigJson;
  assert.equal(report.file, path.join(dir, "config.json"));
  assert.deepEqual(settingOf(report, "limits.maxSteps"), {
    key: "limits.maxSteps",
    type: "integer 1–64",
    default: 8,
    current: 3,
    set: true,
    description: "Decisions per cycle.",
  });
  const thought = settingOf(report, "model.thoughtMaxChars");
  assert.deepEqual([thought.default, thought.current, thought.set], [160, 160, false]);
  const seed = settingOf(report, "model.seed");
  assert.deepEqual([Object.hasOwn(seed, "default"), seed.current, seed.set], [false, 1, true]);
  assert.deepEqual(settingOf(report, "tools.commandArgs").current, { ls: 2 });
  assert.ok(report.sections.some((section) => section.key === "limits" && section.description.length > 0));
  assert.deepEqual(await snapshotDir(dir), before, "config changes nothing in the state dir");
});

test("config prints each setting as `key = current  (default; type)` with its description indented under it", async (t) => {
  const { dir, cleanup } = await makeConfiguredState();
  t.after(cleanup);
  const run = await runCliSplit(["config", "--state", dir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Settings of .*config\.json, each as: key = current value {2}\(default; accepted values\)/);
  assert.match(run.stdout, /^\[limits\] \S.*$/m);
  assert.match(run.stdout, /^limits\.maxSteps = 3 {2}\(default 8; integer 1–64\)\n {4}Decisions per cycle\.$/m);
  assert.match(run.stdout, /^model\.thoughtMaxChars = 160 {2}\(default; integer 0–1000\)\n {4}Longest `thought`/m);
  assert.match(run.stdout, /^model\.seed = 1 {2}\(no default; integer ≥ 0\)$/m);
  assert.match(
    run.stdout,
    /^tools\.commandArgs = \{"ls":2\} {2}\(default \{\}; map of program name to integer 0–8\)$/m,
  );
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith(" ")) assert.ok(line.length <= 100, `description lines are wrapped: ${line}`);
  }
  assert.equal(run.stderr, "");
});

test("config --defaults lists the settings without a state dir and without current values", async (t) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-config-"));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const missing = path.join(parent, "nope");
  const json = await runCliSplit(["config", "--defaults", "--json", "--state", missing]);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as ConfigJson;
  assert.equal(report.file, undefined);
  assert.deepEqual(settingOf(report, "limits.stepTimeoutMs"), {
    key: "limits.stepTimeoutMs",
    type: "integer ≥ 100",
    default: 60_000,
    description: "Wall time for one decision of the model, in ms.",
  });
  const text = await runCliSplit(["config", "--defaults"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^limits\.maxFileBytes {2}\(default 65536; integer 1–16777216\)$/m);
  await assert.rejects(stat(missing), /ENOENT/, "no state dir is made");
});

test("a bad config.json gives the config error with exit 2 and no stack, and is left where it is", async (t) => {
  const { dir, cleanup } = await makeConfiguredState();
  t.after(cleanup);
  const file = path.join(dir, "config.json");
  const cases: Array<[string, RegExp]> = [
    [JSON.stringify({ model: { threads: "two" } }), /is not a valid config:\n {2}- model\.threads: .*number/],
    ["{ oops", /config\.json is not valid JSON/],
  ];
  for (const [text, pattern] of cases) {
    await writeFile(file, text);
    for (const args of [["config"], ["config", "--json"]]) {
      const run = await runCliSplit([...args, "--state", dir]);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.equal(run.stdout, "", "nothing on stdout");
      assert.match(run.stderr, /^apprentice: /);
      assert.match(run.stderr, pattern);
      assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
      assert.match(run.stderr, /\n`apprentice config --defaults` lists every setting without reading a state dir\.\n$/);
      assert.equal(await readFile(file, "utf8"), text, "config.json is not moved or changed");
    }
  }
  const missing = await runCliSplit(["config", "--state", path.join(dir, "nope")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope is not a state dir/);
});

test("doctor's remedy for a bad field points at `apprentice config`", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false, config: { limits: { maxSteps: "many" } } });
  t.after(cleanup);
  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  const checks = (JSON.parse(run.stdout) as { checks: Array<{ id: string; remedy?: string }> }).checks;
  const config = checks.find((check) => check.id === "config");
  assert.match(config?.remedy ?? "", /`apprentice config --defaults` describes each setting/);
});
