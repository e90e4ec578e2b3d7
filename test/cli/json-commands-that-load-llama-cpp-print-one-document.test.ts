// Issue 17, bug 1, the other --json commands that load the llama.cpp binding (a guard: they print no model load's
// lines, so they passed before the fix too). `doctor` and `model list` load the binding and read the model's header in
// their own process; on a GGUF that makes llama.cpp warn, stdout is one JSON document, and any native line a logger line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCliSplit } from "./model-test-support.js";
import { makeStateDir } from "../support/state-fixture.js";
import { assertWarningOnlyAsLoggerLines, parseOneJsonDocument, warningTestModel } from "../support/native-log-lines.js";

test("doctor --json and model list --json on a model that makes llama.cpp warn each print one JSON document", async (t) => {
  const model = await warningTestModel();
  const { dir, cleanup } = await makeStateDir({ config: { model: { path: model } } });
  t.after(cleanup);

  const doctor = await runCliSplit(["doctor", "--state", dir, "--json"], { APPRENTICE_LOG: "debug" });
  const report = parseOneJsonDocument(doctor.stdout) as { checks: Array<{ id: string; status: string }> };
  assert.equal(report.checks.find((check) => check.id === "binding")?.status, "ok", doctor.stdout);
  assert.equal(report.checks.find((check) => check.id === "model")?.status, "ok", doctor.stdout);
  assertWarningOnlyAsLoggerLines(doctor.stderr);

  const list = await runCliSplit(["model", "list", "--state", dir, "--json"], { APPRENTICE_LOG: "debug" });
  assert.equal(list.code, 0, list.stderr);
  const models = parseOneJsonDocument(list.stdout) as { models: Array<{ path: string; configured: boolean }> };
  assert.deepEqual(
    models.models.filter((entry) => entry.configured).map((entry) => entry.path),
    [model],
  );
  assertWarningOnlyAsLoggerLines(list.stderr);
});
