// Issue 17, "Which models are usable": doctor warns, without failing, when the GGUF has no chat template or looks like a
// base model rather than an instruct model, and says what that means for Apprentice's JSON actions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspectGgufFile, type GgufSummary } from "../../src/brain/model-inspect.js";
import { judgeModelKind } from "../../src/brain/model-kind.js";
import type { TestModelHeader } from "../../src/brain/test-model.js";
import { checkModelKind } from "../../src/cli/doctor-model-kind-check.js";
import { makeStateDir, testModel } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

const TEMPLATE = "{% for message in messages %}<|{{ message.role }}|>{{ message.content }}{% endfor %}<|assistant|>";

async function summarize(options: { chatTemplate?: string; header?: TestModelHeader }): Promise<GgufSummary> {
  const inspection = await inspectGgufFile(await testModel(options));
  assert.ok(inspection.ok, JSON.stringify(inspection));
  return inspection.summary;
}

test("a GGUF with no chat template and a name that says neither instruct nor chat is warned about as a base model", async () => {
  const check = checkModelKind(await summarize({ header: { name: "Tiny Llama 1B" } }));
  assert.equal(check.status, "warn");
  assert.match(check.finding, /looks like a base model, not an instruct model: no chat template/);
  assert.match(check.finding, /"Tiny Llama 1B"/);
  assert.match(check.remedy ?? "", /may not follow the action format/);
  assert.match(check.remedy ?? "", /apprentice model recommend/);
});

test("an instruct-named GGUF without a chat template is warned about for the missing template", async () => {
  const check = checkModelKind(await summarize({ header: { name: "Tiny Llama 1B Instruct" } }));
  assert.equal(check.status, "warn");
  assert.match(check.finding, /no chat template \(tokenizer\.chat_template\)/);
  assert.match(check.remedy ?? "", /JSON action format/);
});

test("a GGUF with a chat template and an instruct name passes", async () => {
  const check = checkModelKind(await summarize({ chatTemplate: TEMPLATE, header: { name: "Tiny Llama 1B Instruct" } }));
  assert.deepEqual(check, {
    id: "instruct",
    status: "ok",
    finding: 'an instruct (chat) model: a chat template, name "Tiny Llama 1B Instruct"',
  });
});

test("the name heuristics read Gemma's -it, Chat and base, with a chat template counting most", () => {
  assert.equal(judgeModelKind({ hasChatTemplate: false, names: ["gemma-2-2b-it"] }).kind, "no-template");
  assert.equal(judgeModelKind({ hasChatTemplate: false, names: ["Qwen2.5-0.5B-Chat"] }).kind, "no-template");
  assert.equal(judgeModelKind({ hasChatTemplate: false, names: ["Titan 7B", "model"] }).kind, "base");
  assert.equal(judgeModelKind({ hasChatTemplate: true, names: ["Qwen2.5 0.5B", "base"] }).kind, "base");
  assert.equal(judgeModelKind({ hasChatTemplate: true, names: [] }).kind, "instruct");
  assert.equal(judgeModelKind({ hasChatTemplate: false, names: ["Unit 7B"] }).kind, "base", "'it' inside a word");
});

test("doctor --json reports the instruct check as a warning for the random-weights test model and still exits 0", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  const report = JSON.parse(run.stdout) as { counts: { fail: number }; checks: Array<{ id: string; status: string }> };
  const ids = report.checks.map((check) => check.id);
  assert.equal(ids.indexOf("instruct"), ids.indexOf("model") + 1, "right after the model check");
  assert.equal(report.checks.find((check) => check.id === "instruct")?.status, "warn");
  assert.equal(run.code, report.counts.fail === 0 ? 0 : 1, "a warning does not fail doctor");
});
