// Found trying the demo as an operator: `demo --state DIR` silently made its state in ./demo-state, and a folder the
// demo had not made was refused with a stack trace and exit 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../support/cli-process.js";

test("demo --state DIR makes the demo state in DIR; --state and --dir naming different folders is a usage error", async (t) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-demo-state-"));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const dir = path.join(parent, "mine");
  const demo = await runCli(["demo", "--state", dir, "--cycles", "1"]);
  assert.equal(demo.code, 0, demo.output);
  assert.ok((await stat(path.join(dir, "db.json"))).isFile(), "the state is in the --state folder");
  assert.ok(demo.output.includes(`Demo state dir: ${dir}\n`), demo.output);

  const both = await runCli(["demo", "--state", dir, "--dir", path.join(parent, "other"), "--cycles", "1"]);
  assert.equal(both.code, 2);
  assert.match(both.output, /--state and --dir name different folders/);
});

test("demo refuses a folder it did not make with exit 2, one line and no stack trace, and leaves it as it was", async (t) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-demo-refuse-"));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const dir = path.join(parent, "real-state");
  await mkdir(dir);
  await writeFile(path.join(dir, "precious.txt"), "keep me\n");
  const demo = await runCli(["demo", "--state", dir, "--cycles", "1"]);
  assert.equal(demo.code, 2, demo.output);
  assert.match(demo.output, /^apprentice: .*real-state exists and was not made by the demo/m);
  assert.doesNotMatch(demo.output, /\n\s+at /, "no stack trace");
  assert.deepEqual(await readdir(dir), ["precious.txt"]);
});
