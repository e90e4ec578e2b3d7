// Regression: `once` on a state whose goals.yaml cannot be read, or with a model file that is not there, exited 1, as
// if the cycle had failed; like a bad config.json it is the operator's to fix, so it exits 2 and names the file, and
// nothing else in the state changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("once with a garbage goals.yaml exits 2, names goals.yaml and leaves db.json alone", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const first = await runCli(["once", "--state", dir, "--json"]);
  assert.equal(first.code, 0, first.output);
  const db = await readFile(path.join(dir, "db.json"), "utf8");
  await writeFile(path.join(dir, "goals.yaml"), "version: 1\ngoals: [ {id: : :\n");
  const { code, output } = await runCli(["once", "--state", dir]);
  assert.equal(code, 2, output);
  assert.match(output, /goals\.yaml/);
  assert.doesNotMatch(output, /^\s+at /m, "no stack trace");
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), db, "db.json is untouched");
});

test("once with --model naming a missing file exits 2 and says how to get a model", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const { code, output } = await runCli(["once", "--state", dir, "--model", "/nonexistent/model.gguf"]);
  assert.equal(code, 2, output);
  assert.match(output, /\/nonexistent\/model\.gguf cannot be read \(ENOENT\)/);
  assert.doesNotMatch(output, /^\s+at /m, "no stack trace");
});
