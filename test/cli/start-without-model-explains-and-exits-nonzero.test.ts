import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("start with no model configured says how to get one and exits 2, without a stack trace", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const { code, output } = await runCli(["start", "--state", dir]);
  assert.equal(code, 2);
  assert.match(output, /no model is configured/);
  assert.match(output, /models\//);
  assert.match(output, /npm run demo/);
  assert.doesNotMatch(output, /^\s+at /m, "no stack trace");
});

test("a model path that does not exist is named, with the same advice", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const { code, output } = await runCli(["start", "--state", dir, "--model", "/nonexistent/model.gguf"]);
  assert.equal(code, 2);
  assert.match(output, /\/nonexistent\/model\.gguf cannot be read \(ENOENT\)/);
  assert.doesNotMatch(output, /^\s+at /m);
});

test("a bad config names the field and the daemon refuses to run", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { limits: { maxSteps: "many" } } });
  t.after(cleanup);
  const { code, output } = await runCli(["start", "--state", dir]);
  assert.equal(code, 2);
  assert.match(output, /limits\.maxSteps: .*number/i);
  assert.doesNotMatch(output, /^\s+at /m);
});
