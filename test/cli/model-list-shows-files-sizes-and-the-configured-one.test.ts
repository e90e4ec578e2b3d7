import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeStateDir, testModel } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

interface ListJson {
  modelsDir: string;
  configuredPath: string | null;
  models: Array<{
    file: string;
    path: string;
    sizeBytes: number;
    configured: boolean;
    kind: string;
    location: string;
    architecture?: string;
    problem?: string;
  }>;
}

test("model list shows each GGUF in models/ with its size, marks the configured one, and flags broken files", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { model: { path: "models/tiny.gguf" } } });
  t.after(cleanup);
  const source = await testModel();
  await copyFile(source, path.join(dir, "models", "tiny.gguf"));
  await copyFile(await testModel({ seed: 5 }), path.join(dir, "models", "other.gguf"));
  await writeFile(path.join(dir, "models", "broken.gguf"), "not a model");
  await writeFile(path.join(dir, "models", "readme.txt"), "ignored");
  const size = (await stat(source)).size;

  const json = await runCliSplit(["model", "list", "--json", "--state", dir]);
  assert.equal(json.code, 0, json.stderr);
  const list = JSON.parse(json.stdout) as ListJson;
  assert.deepEqual(
    list.models.map((model) => model.file),
    ["broken.gguf", "other.gguf", "tiny.gguf"],
  );
  const tiny = list.models.find((model) => model.file === "tiny.gguf");
  assert.equal(tiny?.sizeBytes, size);
  assert.equal(tiny?.configured, true);
  assert.equal(tiny?.kind, "gguf");
  assert.equal(tiny?.architecture, "llama");
  assert.equal(list.models.find((model) => model.file === "other.gguf")?.configured, false);
  assert.equal(list.models.find((model) => model.file === "broken.gguf")?.kind, "invalid");
  assert.equal(list.configuredPath, path.join(dir, "models", "tiny.gguf"));

  const human = await runCliSplit(["model", "list", "--state", dir]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^ {2}\* tiny\.gguf +0\.5 MB +llama F32 .*\(configured\)$/m);
  assert.match(human.stdout, /^ {4}broken\.gguf .*✗ .*not a GGUF file/m);
});

test("a configured model outside models/ is listed too", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const list = JSON.parse((await runCliSplit(["model", "list", "--json", "--state", dir])).stdout) as ListJson;
  assert.equal(list.models.length, 1);
  assert.equal(list.models[0]?.location, "elsewhere");
  assert.equal(list.models[0]?.configured, true);
  assert.equal(list.models[0]?.path, await testModel());
});
