// The table that lets a run load only its own command file must name exactly what each file registers, or a command would be lost or misrouted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { COMMAND_MODULES, findCommandName, registerCommands } from "../../src/cli/command-modules.js";
import { runCli } from "../support/cli-process.js";

function programWithGlobalOptions(): Command {
  return new Command()
    .name("apprentice")
    .option("--state <dir>", "state directory", "state")
    .option("--model <path>", "GGUF model file");
}

test("each command module registers exactly the top-level names the table gives it, and no two modules share a name", async () => {
  const seen = new Set<string>();
  for (const module of COMMAND_MODULES) {
    const program = programWithGlobalOptions();
    (await module.load())(program);
    assert.deepEqual(program.commands.map((command) => command.name()).sort(), [...module.names].sort());
    for (const name of module.names) {
      assert.ok(!seen.has(name), `${name} is named by two modules`);
      seen.add(name);
    }
  }
});

test("the command name is the first word that is not an option or a global option's value", () => {
  const valueOptions = new Set(["--state", "--model"]);
  assert.equal(findCommandName(["start", "--state", "x"], valueOptions), "start");
  assert.equal(findCommandName(["--state", "start", "status"], valueOptions), "status");
  assert.equal(findCommandName(["--state=x", "--model", "m.gguf", "once"], valueOptions), "once");
  assert.equal(findCommandName(["--help"], valueOptions), undefined);
  assert.equal(findCommandName(["--", "start"], valueOptions), undefined);
});

test("a named command registers its own module alone; help and unknown names register every module", async () => {
  const all = COMMAND_MODULES.flatMap((module) => module.names);
  const only = programWithGlobalOptions();
  await registerCommands(only, ["--state", "goals", "skills", "--json"]);
  assert.deepEqual(only.commands.map((command) => command.name()).sort(), ["goals", "skills"]);
  for (const args of [["--help"], ["help", "start"], ["stauts"], []]) {
    const program = programWithGlobalOptions();
    await registerCommands(program, args);
    assert.deepEqual(
      program.commands.map((command) => command.name()),
      all,
      `args ${JSON.stringify(args)}`,
    );
  }
});

test("the real CLI still lists every command in its help and suggests one for a typo", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  for (const name of COMMAND_MODULES.flatMap((module) => module.names))
    assert.match(help.output, new RegExp(`^  ${name}\\b`, "m"), `${name} in --help`);
  const typo = await runCli(["--state", "/nonexistent", "stauts"]);
  assert.notEqual(typo.code, 0);
  assert.match(typo.output, /unknown command 'stauts'[\s\S]*Did you mean status\?/);
});
