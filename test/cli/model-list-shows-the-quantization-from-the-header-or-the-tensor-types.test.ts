// Issue 17: `model list` showed no quantization for some files. general.file_type is read whether it is stored as a
// 32- or a 64-bit integer, and a header without it is labelled by the type most of the weights have.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { makeStateDir, testModel } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

interface ListJson {
  models: Array<{ file: string; quantization?: string; quantizationSource?: string }>;
}

test("model list reads general.file_type stored as a u64, and labels a file without it by its tensor types", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const models = path.join(dir, "models");
  await copyFile(await testModel({ header: { fileType: { value: 15, width: 64 } } }), path.join(models, "wide.gguf"));
  await copyFile(await testModel({ header: { fileType: null } }), path.join(models, "bare.gguf"));
  await copyFile(await testModel(), path.join(models, "plain.gguf"));

  const json = await runCliSplit(["model", "list", "--json", "--state", dir]);
  assert.equal(json.code, 0, json.stderr);
  const byFile = new Map((JSON.parse(json.stdout) as ListJson).models.map((model) => [model.file, model]));
  assert.deepEqual(
    ["wide.gguf", "bare.gguf", "plain.gguf"].map((file) => [
      byFile.get(file)?.quantization,
      byFile.get(file)?.quantizationSource,
    ]),
    [
      ["Q4_K_M", "file-type"],
      ["F32", "tensor-types"],
      ["F32", "file-type"],
    ],
  );

  const text = await runCliSplit(["model", "list", "--state", dir]);
  assert.match(text.stdout, /^ {4}wide\.gguf +\S+ MB +llama Q4_K_M /m);
  assert.match(text.stdout, /^ {4}bare\.gguf +\S+ MB +llama F32 \(by tensor types\) /m);
});
