// Regression (found trying the CLI as an operator): usage errors caught by commander (an unknown command or option,
// a missing or invalid argument) exited 1 with its two lines, while Apprentice's own usage errors exit 2. All exit 2
// now, --help and --version exit 0, and every command's --help lists the global --state and --model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli-process.js";

test("commander's usage errors exit 2; --help and --version exit 0; command help shows the global options", async () => {
  for (const args of [["nosuch"], ["log", "--bogus"], ["history", "-n", "0"], ["lessons", "show"]]) {
    const { code, output } = await runCli(args);
    assert.equal(code, 2, `${args.join(" ")}: ${output}`);
    assert.doesNotMatch(output, /^\s+at /m);
  }
  const version = await runCli(["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const help = await runCli(["log", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Global Options:[\s\S]*--state <dir>[\s\S]*--model <path>/);
});
