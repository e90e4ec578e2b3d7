// An operator's scenario file is read by path: a good one loads whatever its name, and each kind of error is one clear message naming the file (and the field).
import { test } from "node:test";
import assert from "node:assert/strict";
import { isScenarioPath, readScenarioFile } from "../../src/gym/scenario.js";
import { OPERATOR_SCENARIO, scenarioFolder } from "./scenario-file-support.js";

test("a value with a slash or a .yaml/.yml ending is a path; a bare name is a built-in scenario", () => {
  assert.equal(isScenarioPath("./my.yaml"), true);
  assert.equal(isScenarioPath("dir/scenario"), true);
  assert.equal(isScenarioPath("my.yml"), true);
  assert.equal(isScenarioPath("MY.YAML"), true);
  assert.equal(isScenarioPath("procedure"), false);
  assert.equal(isScenarioPath("two-goals"), false);
});

test("a valid scenario file loads with its defaults, whatever the file is called", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const read = await readScenarioFile(await folder.write("anything.yml", OPERATOR_SCENARIO));
  assert.ok(read.ok, read.ok ? "" : read.message);
  assert.equal(read.scenario.name, "greeting");
  assert.equal(read.scenario.maxSteps, 6);
  assert.deepEqual(read.scenario.workspace, {});
  assert.deepEqual(read.scenario.thresholds, {});
  assert.deepEqual(read.scenario.goals[0], {
    id: "greet",
    title: "Put hello in greet.txt.",
    check: "grep -qx hello greet.txt",
    priority: 0,
    uselessCommands: [],
  });
});

test("a missing file is one message naming it", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const read = await readScenarioFile(`${folder.dir}/nope.yaml`);
  assert.equal(read.ok, false);
  assert.ok(!read.ok);
  assert.equal(read.kind, "missing");
  assert.equal(read.message, `${folder.dir}/nope.yaml: no such scenario file`);
});

test("a YAML syntax error names the file, the line and the column, on one line", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const file = await folder.write(
    "broken.yaml",
    OPERATOR_SCENARIO.replace("tools: [run, finish]", "tools: [run, finish"),
  );
  const read = await readScenarioFile(file);
  assert.ok(!read.ok);
  assert.equal(read.kind, "yaml");
  assert.match(
    read.message,
    new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not valid YAML \\(line \\d+, column \\d+\\): `),
  );
  assert.doesNotMatch(read.message, /\n/);
  assert.doesNotMatch(
    read.message,
    /at line \d+, column \d+:?$/,
    "the position is said once, without the parser's trailing colon",
  );
});

test("bad fields are each named by their dotted path with what was expected", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const bad = OPERATOR_SCENARIO.replace("cycles: 3", "cycles: 0")
    .replace('    check: "grep -qx hello greet.txt"', '    check: "grep -qx hello greet.txt"\n    every: soon')
    .replace(
      "keyAction: { tool: run, command: say-hello }",
      "keyAction: { tool: run, command: say-hello }\ncolour: blue",
    );
  const read = await readScenarioFile(await folder.write("bad.yaml", bad));
  assert.ok(!read.ok);
  assert.equal(read.kind, "schema");
  assert.match(read.message, /bad\.yaml is not a valid scenario:\n/);
  assert.match(read.message, /^ {2}- cycles: /m);
  assert.match(read.message, /^ {2}- goals\.0\.every: .*a duration such as/m);
  assert.match(read.message, /colour/);
});

test("a goal's useless command or own key action must be one of the commands, and goal ids are unique", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const twoGoals = OPERATOR_SCENARIO.replace(
    "perturbations:",
    [
      "  - id: greet",
      "    title: Again.",
      '    check: "true"',
      "    keyAction: { tool: run, command: shout }",
      "    uselessCommands: [say-nothing]",
      "perturbations:",
    ].join("\n"),
  );
  const read = await readScenarioFile(await folder.write("dup.yaml", twoGoals));
  assert.ok(!read.ok);
  assert.match(read.message, /goals\.1\.id: duplicate goal id "greet"/);
  assert.match(read.message, /goals\.1\.keyAction\.command: "shout" is not one of the commands/);
  assert.match(read.message, /goals\.1\.uselessCommands\.0: "say-nothing" is not one of the commands/);
});
