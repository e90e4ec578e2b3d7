import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli-process.js";
import { makeStateDir, testModel } from "../support/state-fixture.js";

// A ChatML template like the one Qwen models ship, so the jinja chat-template path of real models runs too.
const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

test("once --model runs a cycle on a GGUF of another shape with its own chat template", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hi.md": "hello" } });
  t.after(cleanup);
  const other = await testModel({
    seed: 99,
    embeddingLength: 96,
    blockCount: 3,
    headCount: 6,
    feedForwardLength: 192,
    contextLength: 1024,
    chatTemplate: CHATML,
  });
  const { code, output } = await runCli(["once", "--state", dir, "--model", other, "--json"]);
  assert.equal(code, 0, output);
  const result = JSON.parse(output.split("\n").find((line) => line.startsWith("{")) ?? "{}");
  assert.equal(result.status, "ran");
  assert.ok(result.steps >= 1);
});
