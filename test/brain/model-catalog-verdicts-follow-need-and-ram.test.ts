import { test } from "node:test";
import assert from "node:assert/strict";
import {
  COMFORT_SHARE,
  judgeCatalog,
  judgeFit,
  MODEL_CATALOG,
  pickSuggestion,
  RUNTIME_RESERVE_MB,
} from "../../src/brain/model-catalog.js";

test("judgeFit: comfortable up to the comfort share of RAM, tight up to all of it, too big beyond", () => {
  assert.equal(judgeFit(Math.floor(1000 * COMFORT_SHARE), 1000), "fits");
  assert.equal(judgeFit(Math.floor(1000 * COMFORT_SHARE) + 1, 1000), "tight");
  assert.equal(judgeFit(1000, 1000), "tight");
  assert.equal(judgeFit(1001, 1000), "too-big");
});

test("the KV cache grows with the context and is part of the need", () => {
  const short = judgeCatalog(4096, 1024);
  const long = judgeCatalog(4096, 8192);
  for (const entry of short) {
    const same = long.find((other) => other.uri === entry.uri);
    assert.ok(same !== undefined && same.kvMB > entry.kvMB, entry.uri);
    assert.equal(entry.needMB, entry.fileMB + entry.kvMB + RUNTIME_RESERVE_MB);
  }
});

test("the suggestion is the largest comfortable model, at Q4_K_M", () => {
  const suggestion = pickSuggestion(judgeCatalog(8192, 2048));
  const largest = Math.max(...MODEL_CATALOG.map((model) => model.billions));
  assert.equal(MODEL_CATALOG.find((model) => model.id === suggestion?.id)?.billions, largest);
  assert.equal(suggestion?.quantization, "Q4_K_M");
  assert.equal(pickSuggestion(judgeCatalog(256, 2048)), undefined, "nothing fits 256 MB");
});

test("every catalog model has a Q4_K_M and a larger Q8_0 file with an hf: URI", () => {
  for (const model of MODEL_CATALOG) {
    const q4 = model.files.find((file) => file.quantization === "Q4_K_M");
    const q8 = model.files.find((file) => file.quantization === "Q8_0");
    assert.ok(q4 !== undefined && q8 !== undefined && q8.fileBytes > q4.fileBytes, model.id);
    for (const file of model.files)
      assert.ok(file.uri.startsWith("hf:") && file.uri.endsWith(`:${file.quantization}`), file.uri);
  }
});
