// Issue 17, bug 8: `bench learning --keep` was missing from the README. Every option `bench learning --help` lists is
// now in the README's row for the command, so an option added later without its documentation fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runCli } from "../support/cli-process.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));

test("the README's bench learning row names every option its --help lists", async () => {
  const { code, stdout } = await runCli(["bench", "learning", "--help"]);
  assert.equal(code, 0, stdout);
  const own = stdout.split(/^Global Options:$/m)[0] ?? "";
  const options = [...own.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((match) => match[1] ?? "");
  assert.ok(options.includes("--keep"), `--keep is an option: ${options.join(" ")}`);
  const row = (await readFile(README, "utf8"))
    .split("\n")
    .find((line) => line.startsWith("| `apprentice bench learning"));
  assert.ok(row !== undefined, "the README has a row for bench learning");
  for (const option of options.filter((name) => name !== "--help"))
    assert.ok(row.includes(option), `${option} is in the README's row: ${row}`);
});
