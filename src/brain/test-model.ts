// Writes the tiny llama-architecture GGUF (v3) used by tests and the demo: seeded random weights, byte-identical for a given seed and shape.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { createSeededRandom } from "../seeded-random.js";
import { contentNamedGguf, writeUnlessSame } from "./model-file-cache.js";
import { GGUF_ALIGNMENT, serializeGguf, ValueType, type KvValue, type TensorSpec } from "./gguf-writer.js";

/** Shape of the test model. Defaults give about 0.5 MB. */
export interface TestModelOptions {
  /** PRNG seed for the weights. Defaults to `42`. */
  seed?: number;
  /** Embedding width. Defaults to `64`. */
  embeddingLength?: number;
  /** Number of transformer blocks. Defaults to `2`. */
  blockCount?: number;
  /** Attention heads (and KV heads). Defaults to `4`. */
  headCount?: number;
  /** Feed-forward width. Defaults to `128`. */
  feedForwardLength?: number;
  /** Trained context length written into the metadata. Defaults to `4096`. */
  contextLength?: number;
  /** Optional jinja chat template, to exercise the chat-template path of real models. */
  chatTemplate?: string;
  /**
   * Token texts appended to the vocabulary typed NORMAL. A control-looking one such as {@link CONTROL_LOOKING_TOKEN}
   * makes llama.cpp warn while it loads the model ("load: control-looking token: … was not control-type"), as some
   * real GGUFs do. Defaults to none, which keeps the default model's bytes.
   */
  extraNormalTokens?: readonly string[];
  /** Header variants for the model checks (`doctor`'s instruct check, `model list`); absent keeps the default bytes. */
  header?: TestModelHeader;
}

/** How the test model's header names and labels itself. */
export interface TestModelHeader {
  /** `general.name`. Defaults to {@link TEST_MODEL_LABEL}. */
  name?: string;
  /** `general.file_type` (LLAMA_FTYPE) as a u32, or as a u64 as some writers store it; `null` leaves it out. Defaults to `{ value: 0, width: 32 }` (F32). */
  fileType?: { value: number; width: 32 | 64 } | null;
}

/** A token text llama.cpp takes for an end-of-turn control token, and warns about when the GGUF types it NORMAL. */
export const CONTROL_LOOKING_TOKEN = "<|im_end|>";

/** Options for a test model whose load makes llama.cpp print warnings (see {@link TestModelOptions.extraNormalTokens}). */
export const WARNING_TEST_MODEL_OPTIONS: TestModelOptions = { extraNormalTokens: [CONTROL_LOOKING_TOKEN] };

/** The label every test model carries, so nobody mistakes it for a real model. */
export const TEST_MODEL_LABEL =
  "apprentice-test-model (RANDOM WEIGHTS: a stand-in that makes the pipeline run, not a brain)";

/** Token types as llama.cpp numbers them. */
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

/** Builds the vocabulary: `<unk> <s> </s>`, the 256 byte tokens, then printable ASCII (space as U+2581). */
export function buildTestVocab(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens: string[] = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(TOKEN_TYPE.byte);
  }
  for (let code = 0x20; code <= 0x7e; code++) {
    tokens.push(code === 0x20 ? "\u2581" : String.fromCharCode(code));
    types.push(TOKEN_TYPE.normal);
  }
  // Single characters need no merges; equal scores keep the tokenizer from preferring any of them.
  const scores = tokens.map(() => 0);
  return { tokens, scores, types };
}

function randomTensor(random: () => number, count: number, scale: number): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (random() * 2 - 1) * scale;
  return data;
}

function onesTensor(count: number): Float32Array {
  return new Float32Array(count).fill(1);
}

/** Serializes a complete GGUF v3 file for the given options. Pure: same options, same bytes. */
export function buildTestModelGguf(options: TestModelOptions = {}): Buffer {
  const seed = options.seed ?? 42;
  const nEmbd = options.embeddingLength ?? 64;
  const nBlocks = options.blockCount ?? 2;
  const nHead = options.headCount ?? 4;
  const nFf = options.feedForwardLength ?? 128;
  const nCtx = options.contextLength ?? 4096;
  if (nEmbd % nHead !== 0) throw new Error(`embeddingLength ${nEmbd} is not a multiple of headCount ${nHead}`);

  const vocab = buildTestVocab();
  for (const text of options.extraNormalTokens ?? []) {
    vocab.tokens.push(text);
    vocab.scores.push(0);
    vocab.types.push(TOKEN_TYPE.normal);
  }
  const nVocab = vocab.tokens.length;

  const kv: Array<[string, KvValue]> = [
    ["general.architecture", { type: ValueType.String, value: "llama" }],
    ["general.name", { type: ValueType.String, value: options.header?.name ?? TEST_MODEL_LABEL }],
    [
      "general.description",
      { type: ValueType.String, value: `Seeded random weights (seed ${seed}). Real use needs a real instruct model.` },
    ],
    ["general.alignment", { type: ValueType.U32, value: GGUF_ALIGNMENT }],
    ...describeFileTypeKv(options.header?.fileType),
    ["llama.context_length", { type: ValueType.U32, value: nCtx }],
    ["llama.embedding_length", { type: ValueType.U32, value: nEmbd }],
    ["llama.block_count", { type: ValueType.U32, value: nBlocks }],
    ["llama.feed_forward_length", { type: ValueType.U32, value: nFf }],
    ["llama.rope.dimension_count", { type: ValueType.U32, value: nEmbd / nHead }],
    ["llama.attention.head_count", { type: ValueType.U32, value: nHead }],
    ["llama.attention.head_count_kv", { type: ValueType.U32, value: nHead }],
    ["llama.attention.layer_norm_rms_epsilon", { type: ValueType.F32, value: 1e-5 }],
    ["tokenizer.ggml.model", { type: ValueType.String, value: "llama" }],
    ["tokenizer.ggml.tokens", { type: ValueType.Array, elementType: ValueType.String, value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: ValueType.Array, elementType: ValueType.F32, value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: ValueType.Array, elementType: ValueType.I32, value: vocab.types }],
    ["tokenizer.ggml.unknown_token_id", { type: ValueType.U32, value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: ValueType.U32, value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: ValueType.U32, value: 2 }],
  ];
  if (options.chatTemplate !== undefined) {
    kv.push(["tokenizer.chat_template", { type: ValueType.String, value: options.chatTemplate }]);
  }

  const random = createSeededRandom(seed);
  const tensors: TensorSpec[] = [
    { name: "token_embd.weight", dims: [nEmbd, nVocab], data: randomTensor(random, nEmbd * nVocab, 0.5) },
  ];
  const projScale = 1 / Math.sqrt(nEmbd);
  for (let b = 0; b < nBlocks; b++) {
    const p = `blk.${b}.`;
    tensors.push(
      { name: `${p}attn_norm.weight`, dims: [nEmbd], data: onesTensor(nEmbd) },
      { name: `${p}attn_q.weight`, dims: [nEmbd, nEmbd], data: randomTensor(random, nEmbd * nEmbd, projScale) },
      { name: `${p}attn_k.weight`, dims: [nEmbd, nEmbd], data: randomTensor(random, nEmbd * nEmbd, projScale) },
      { name: `${p}attn_v.weight`, dims: [nEmbd, nEmbd], data: randomTensor(random, nEmbd * nEmbd, projScale) },
      { name: `${p}attn_output.weight`, dims: [nEmbd, nEmbd], data: randomTensor(random, nEmbd * nEmbd, projScale) },
      { name: `${p}ffn_norm.weight`, dims: [nEmbd], data: onesTensor(nEmbd) },
      { name: `${p}ffn_gate.weight`, dims: [nEmbd, nFf], data: randomTensor(random, nEmbd * nFf, projScale) },
      { name: `${p}ffn_up.weight`, dims: [nEmbd, nFf], data: randomTensor(random, nEmbd * nFf, projScale) },
      { name: `${p}ffn_down.weight`, dims: [nFf, nEmbd], data: randomTensor(random, nFf * nEmbd, 1 / Math.sqrt(nFf)) },
    );
  }
  tensors.push(
    { name: "output_norm.weight", dims: [nEmbd], data: onesTensor(nEmbd) },
    { name: "output.weight", dims: [nEmbd, nVocab], data: randomTensor(random, nEmbd * nVocab, projScale) },
  );

  return serializeGguf(kv, tensors);
}

/** The `general.file_type` entry for `fileType` (see {@link TestModelHeader}): none for `null`. */
function describeFileTypeKv(fileType: TestModelHeader["fileType"]): Array<[string, KvValue]> {
  if (fileType === null) return [];
  const { value, width } = fileType ?? { value: 0, width: 32 };
  return [["general.file_type", width === 64 ? { type: ValueType.U64, value } : { type: ValueType.U32, value }]];
}

/**
 * Writes the test model into `cacheDir` unless an identical file is already there, and returns its path.
 * The file name carries a hash of the options, so different shapes never collide.
 */
export async function ensureTestModel(cacheDir: string, options: TestModelOptions = {}): Promise<string> {
  const bytes = buildTestModelGguf(options);
  const file = path.join(cacheDir, contentNamedGguf("apprentice-test-model", bytes));
  await mkdir(cacheDir, { recursive: true });
  await writeUnlessSame(file, bytes);
  return file;
}
