// Issue 17, bug 1: with some GGUFs, `once --json` printed llama.cpp's load warnings ("load: control-looking token …
// was not control-type") on stdout ahead of its object, so the output was not JSON. The model process's estimate made a
// second node-llama-cpp Llama, which switched native log routing off; its lines then went raw to the inherited stdout.
// Now stdout is the one result object, and the warning is a logger line (time, level) on stderr.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCliSplit } from "./model-test-support.js";
import { makeStateDir } from "../support/state-fixture.js";
import { assertWarningOnlyAsLoggerLines, parseOneJsonDocument, warningTestModel } from "../support/native-log-lines.js";

test("once --json on a model that makes llama.cpp warn prints one JSON object, the warning as a log line on stderr", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    inbox: { "hi.md": "hello" },
    config: { model: { path: await warningTestModel() } },
  });
  t.after(cleanup);
  const run = await runCliSplit(["once", "--state", dir, "--json"], { APPRENTICE_LOG: "info" });
  assert.equal(run.code, 0, run.stderr);
  const result = parseOneJsonDocument(run.stdout) as { status: string; steps: number };
  assert.equal(result.status, "ran");
  assert.ok(result.steps >= 1);
  assert.ok(assertWarningOnlyAsLoggerLines(run.stderr) >= 1, `the warning is logged on stderr:\n${run.stderr}`);
  assert.match(run.stderr, /^\S+Z warn {2}llama\.cpp: load: control-looking token: .*'<\|im_end\|>'/m);
});
