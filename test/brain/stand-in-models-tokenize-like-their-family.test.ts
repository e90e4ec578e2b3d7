// A stand-in carries its family's real tokenizer: it tokenizes llama.cpp's own tokenizer test cases for that vocabulary
// as the family does, keeps the family's special tokens whole, carries the family's chat template, and is the same
// bytes every time it is made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readGgufFileInfo, type LlamaModel } from "node-llama-cpp";
import { loadLlamaBinding } from "../../src/brain/llama-binding.js";
import { extractLlamaSourceFiles, locateLlamaSourceBundle } from "../../src/brain/llama-source-bundle.js";
import { STAND_IN_FAMILIES } from "../../src/brain/stand-in-families.js";
import {
  ensureStandInModel,
  makeFamilyStandIn,
  STAND_IN_LABEL,
  type StandInFamily,
} from "../../src/brain/stand-in-model.js";
import { createConsoleLogger } from "../../src/log.js";
import { TEST_CACHE_DIR } from "../support/state-fixture.js";

const quiet = createConsoleLogger("error");

async function loadVocab(file: string): Promise<LlamaModel> {
  const llama = await loadLlamaBinding(quiet);
  return llama.loadModel({ modelPath: file, vocabOnly: true });
}

/** llama.cpp's tokenizer test cases for a vocab GGUF: `<vocab>.inp` (texts) and `<vocab>.out` (ids, one line each). */
async function readTokenizerCases(vocabPath: string): Promise<Array<{ text: string; ids: number[] }>> {
  const located = await locateLlamaSourceBundle(TEST_CACHE_DIR);
  assert.ok(located.ok, located.ok ? "" : located.reason);
  const extracted = await extractLlamaSourceFiles(located.bundle, [`${vocabPath}.inp`, `${vocabPath}.out`]);
  assert.ok(extracted.ok, extracted.ok ? "" : extracted.reason);
  const inputs = (await readFile(extracted.files.get(`${vocabPath}.inp`) as string, "utf8")).split(
    "\n__ggml_vocab_test__\n",
  );
  const outputs = (await readFile(extracted.files.get(`${vocabPath}.out`) as string, "utf8")).split("\n");
  return inputs.slice(0, -1).map((text, index) => ({
    text,
    ids: (outputs[index] ?? "").trim().split(/\s+/).filter(Boolean).map(Number),
  }));
}

for (const family of ["qwen2.5", "llama3.2"] as const) {
  test(`the ${family} stand-in tokenizes llama.cpp's test cases for its vocabulary exactly`, async () => {
    const model = await loadVocab(await ensureStandInModel(family, TEST_CACHE_DIR));
    try {
      const cases = await readTokenizerCases(STAND_IN_FAMILIES[family].vocabPath);
      assert.ok(cases.length > 30, `only ${cases.length} cases`);
      for (const { text, ids } of cases) assert.deepEqual([...model.tokenize(text)], ids, JSON.stringify(text));
    } finally {
      await model.dispose();
    }
  });
}

/** Special tokens each family's chat template writes, with the ids the family's released tokenizer gives them. */
const SPECIAL_TOKENS: Record<StandInFamily, Record<string, number>> = {
  "qwen2.5": { "<|im_start|>": 151644, "<|im_end|>": 151645, "<tool_call>": 151657 },
  qwen3: { "<|im_start|>": 151644, "<|im_end|>": 151645, "<think>": 151667, "</think>": 151668 },
  "llama3.2": {
    "<|start_header_id|>": 128006,
    "<|end_header_id|>": 128007,
    "<|eot_id|>": 128009,
    "<|python_tag|>": 128010,
  },
  smollm3: { "<|im_start|>": 128011, "<|im_end|>": 128012, "<think>": 128002, "</think>": 128003 },
};

for (const family of Object.keys(SPECIAL_TOKENS) as StandInFamily[]) {
  test(`the ${family} stand-in keeps its family's special tokens whole and carries its chat template`, async () => {
    const file = await ensureStandInModel(family, TEST_CACHE_DIR);
    const model = await loadVocab(file);
    try {
      for (const [text, id] of Object.entries(SPECIAL_TOKENS[family])) {
        assert.deepEqual([...model.tokenize(text, true)], [id], text);
      }
    } finally {
      await model.dispose();
    }
    const info = await readGgufFileInfo(file, { readTensorInfo: false });
    const spec = STAND_IN_FAMILIES[family];
    const located = await locateLlamaSourceBundle(TEST_CACHE_DIR);
    assert.ok(located.ok);
    const extracted = await extractLlamaSourceFiles(located.bundle, [spec.templatePath]);
    assert.ok(extracted.ok);
    const template = await readFile(extracted.files.get(spec.templatePath) as string, "utf8");
    assert.equal(info.metadata.tokenizer.chat_template, template);
    assert.equal(info.metadata.general.architecture, spec.architecture);
    assert.match(info.metadata.general.name ?? "", new RegExp(`^${STAND_IN_LABEL} .*RANDOM WEIGHTS`));
    assert.equal(info.metadata.tokenizer.ggml.eos_token_id, spec.special.eos);
  });
}

test("a stand-in is made once: the same bytes at the same path, and a second call writes nothing", async () => {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), "apprentice-stand-in-"));
  try {
    const [first, second] = await Promise.all([
      makeFamilyStandIn("qwen2.5", { cacheDir }),
      makeFamilyStandIn("qwen2.5", { cacheDir }),
    ]);
    assert.ok(first.ok && second.ok);
    assert.equal(first.model.path, second.model.path);
    const bytes = await readFile(first.model.path);
    assert.equal(bytes.length, first.model.bytes);
    const again = await makeFamilyStandIn("qwen2.5", { cacheDir });
    assert.ok(again.ok);
    assert.equal(again.model.written, false);
    assert.equal(again.model.path, first.model.path);
    assert.ok((await stat(again.model.path)).size < 20 * 1024 * 1024, "a stand-in stays small");
    const shared = await ensureStandInModel("qwen2.5", TEST_CACHE_DIR);
    assert.ok((await readFile(shared)).equals(bytes), "another cache dir makes the same bytes");
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
