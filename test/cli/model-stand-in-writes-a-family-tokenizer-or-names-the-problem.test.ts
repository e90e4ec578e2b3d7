// `apprentice model stand-in` writes a stand-in with a family's tokenizer and template (or a given vocab and template),
// reports it as text or JSON with progress on stderr, and names each problem: an unknown family with the known ones, a
// missing or non-GGUF file, options that do not go together, and git missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { extractLlamaSourceFiles, locateLlamaSourceBundle } from "../../src/brain/llama-source-bundle.js";
import { STAND_IN_FAMILIES } from "../../src/brain/stand-in-families.js";
import { STAND_IN_LABEL } from "../../src/brain/stand-in-model.js";
import { TEST_CACHE_DIR } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

const CACHE = { APPRENTICE_CACHE_DIR: TEST_CACHE_DIR };

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-stand-in-cli-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("--family writes the family's stand-in to --out and --json describes it, progress on stderr", async (t) => {
  const out = path.join(await tempDir(t), "qwen.gguf");
  const run = await runCliSplit(["model", "stand-in", "--family", "qwen2.5", "--out", out, "--json"], CACHE);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(report, {
    path: out,
    family: "qwen2.5",
    vocabSize: 151936,
    templateName: "Qwen-Qwen2.5-7B-Instruct.jinja",
    bytes: (await stat(out)).size,
  });
  assert.match(run.stderr, /reading models\/ggml-vocab-qwen2\.gguf/);
  const info = await readGgufFileInfo(out, { readTensorInfo: false });
  assert.ok(info.metadata.general.name?.startsWith(`${STAND_IN_LABEL} Qwen2.5`));
  const text = await runCliSplit(["model", "stand-in", "--family", "qwen2.5", "--out", out], CACHE);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^Already there: ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(15 MB\\)`));
  assert.match(text.stdout, /apprentice once --model /);
});

test("--vocab and --template write a stand-in of any vocab GGUF with that template", async (t) => {
  const dir = await tempDir(t);
  const located = await locateLlamaSourceBundle(TEST_CACHE_DIR);
  assert.ok(located.ok);
  const vocabPath = STAND_IN_FAMILIES["llama3.2"].vocabPath;
  const extracted = await extractLlamaSourceFiles(located.bundle, [vocabPath]);
  assert.ok(extracted.ok);
  const template = path.join(dir, "mine.jinja");
  await writeFile(template, "{% for m in messages %}<<{{ m.role }}>>{{ m.content }}{% endfor %}");
  const out = path.join(dir, "mine.gguf");
  const vocab = extracted.files.get(vocabPath) as string;
  const run = await runCliSplit([
    "model",
    "stand-in",
    "--vocab",
    vocab,
    "--template",
    template,
    "--out",
    out,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.equal(report.family, null);
  assert.equal(report.vocabSize, 128256);
  assert.equal(report.templateName, "mine.jinja");
  const info = await readGgufFileInfo(out, { readTensorInfo: false });
  assert.equal(info.metadata.tokenizer.chat_template, await readFile(template, "utf8"));
  assert.equal(info.metadata.tokenizer.ggml.pre, "llama-bpe");
});

test("bad options and files are usage errors that say what to give", async (t) => {
  const dir = await tempDir(t);
  const notGguf = path.join(dir, "notes.gguf");
  await writeFile(notGguf, "not a model");
  const cases: Array<[string[], RegExp]> = [
    [["--family", "gpt2"], /unknown family 'gpt2'; known families: qwen2\.5, qwen3, llama3\.2, smollm3/],
    [[], /give --family NAME, or --vocab FILE --template FILE --out FILE/],
    [["--family", "qwen3", "--vocab", notGguf], /--family takes its own vocabulary and template/],
    [["--vocab", notGguf, "--out", path.join(dir, "x.gguf")], /--vocab needs --template FILE/],
    [
      ["--vocab", path.join(dir, "missing.gguf"), "--template", notGguf, "--out", "x"],
      /--vocab .*missing\.gguf: no such file/,
    ],
    [["--vocab", notGguf, "--template", notGguf, "--out", path.join(dir, "x.gguf")], /notes\.gguf: not a GGUF file/],
  ];
  for (const [args, message] of cases) {
    const run = await runCliSplit(["model", "stand-in", ...args]);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stdout, "");
  }
});

test("without git a family stand-in fails with a line that names git", async (t) => {
  const dir = await tempDir(t);
  const bin = path.join(dir, "bin");
  await mkdir(bin);
  await symlink(process.execPath, path.join(bin, "node"));
  const run = await runCliSplit(["model", "stand-in", "--family", "smollm3"], {
    PATH: bin,
    APPRENTICE_CACHE_DIR: path.join(dir, "cache"),
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /git is not installed/);
  assert.equal(run.stdout, "");
});
