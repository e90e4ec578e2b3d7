// `bench learning --scenario PATH` runs an operator's scenario file; a missing file, bad YAML or a bad field is one named message, exit 2, no stack trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli-process.js";
import { OPERATOR_SCENARIO, scenarioFolder } from "../gym/scenario-file-support.js";

function assertRefused(result: { code: number | string; output: string }, message: RegExp): void {
  assert.equal(result.code, 2, result.output);
  assert.match(result.output, message);
  assert.doesNotMatch(result.output, /^\s+at /m, "no stack trace");
  assert.doesNotMatch(result.output, /cycles met/, "no run was started");
}

test("a missing scenario file, bad YAML and a bad field are each refused with the file and field named", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  assertRefused(
    await runCli(["bench", "learning", "--scenario", `${folder.dir}/missing.yaml`]),
    /missing\.yaml: no such scenario file/,
  );
  const yaml = await folder.write(
    "syntax.yaml",
    OPERATOR_SCENARIO.replace("tools: [run, finish]", "tools: [run, finish"),
  );
  assertRefused(
    await runCli(["bench", "learning", "--scenario", yaml]),
    /syntax\.yaml is not valid YAML \(line \d+, column \d+\)/,
  );
  const field = await folder.write(
    "field.yaml",
    OPERATOR_SCENARIO.replace(
      "keyAction: { tool: run, command: say-hello }",
      "keyAction: { tool: run, command: say-hi }",
    ),
  );
  assertRefused(
    await runCli(["bench", "learning", "--scenario", field]),
    /field\.yaml is not a valid scenario:\n {2}- keyAction\.command: "say-hi" is not one of the commands/,
  );
});

test("a scenario file named by path runs under its own name, not the file's", async (t) => {
  const folder = await scenarioFolder();
  t.after(folder.cleanup);
  const file = await folder.write("my-board.yaml", OPERATOR_SCENARIO);
  const result = await runCli([
    "bench",
    "learning",
    "--scenario",
    file,
    "--seeds",
    "1",
    "--cycles",
    "1",
    "--no-memory",
    "--json",
  ]);
  assert.equal(result.code, 0, result.output);
  const json = JSON.parse(result.stdout) as {
    scenarios: Array<{ name: string; cycles: number; noMemory: { goals: Array<{ id: string }> } }>;
  };
  assert.equal(json.scenarios.length, 1);
  assert.equal(json.scenarios[0]?.name, "greeting");
  assert.equal(json.scenarios[0]?.cycles, 1);
  assert.deepEqual(
    json.scenarios[0]?.noMemory.goals.map((goal) => goal.id),
    ["greet"],
  );
});
