// Found trying the demo as an operator: the demo state had no model.path, so `once`, `start` and `doctor` on it failed
// unless given --model. The demo now configures the test model it ran on, so the state goes on as it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../support/cli-process.js";

test("after `demo`, `once --state <demo dir>` runs a cycle with no --model", async (t) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-demo-"));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const dir = path.join(parent, "demo");
  const demo = await runCli(["demo", "--dir", dir, "--cycles", "1"]);
  assert.equal(demo.code, 0, demo.output);
  assert.match(demo.stdout, new RegExp(`apprentice start --state ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  const config = JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")) as { model: { path: string } };
  assert.match(config.model.path, /\.gguf$/);
  const once = await runCli(["once", "--state", dir, "--json"]);
  assert.equal(once.code, 0, once.output);
  assert.equal((JSON.parse(once.stdout) as { cycle?: number }).cycle, 2);
});
