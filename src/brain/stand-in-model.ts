// Stand-in models: a real family's vocabulary, merges, special tokens and chat template (from llama.cpp's source, offline) over tiny seeded random weights; byte-identical for a given family and seed.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { defaultCacheDir } from "../cli/cli-context.js";
import { decodeI32Array, decodeString, decodeStringArray, readGgufKv, type RawKvEntry } from "./gguf-kv-reader.js";
import { contentNamedGguf, fileSize, writeUnlessSame } from "./model-file-cache.js";
import { GGUF_ALIGNMENT, serializeGguf, ValueType, type KvValue } from "./gguf-writer.js";
import { extractLlamaSourceFiles, locateLlamaSourceBundle } from "./llama-source-bundle.js";
import { STAND_IN_FAMILIES, type StandInFamily, type StandInFamilySpec } from "./stand-in-families.js";
import { buildStandInTensors, DEFAULT_STAND_IN_SHAPE, type StandInArchitecture } from "./stand-in-weights.js";

export { STAND_IN_FAMILY_NAMES, isStandInFamily, type StandInFamily } from "./stand-in-families.js";

/** The label every stand-in's `general.name` starts with, so nobody mistakes one for a real model. */
export const STAND_IN_LABEL = "apprentice-stand-in";

/** What a stand-in is made of: the bytes of a GGUF holding a vocabulary, a chat template, and how to dress them. */
export interface StandInInput {
  /** A GGUF whose `tokenizer.*` metadata is copied (llama.cpp's vocab-only GGUFs, or any model file). */
  vocabBytes: Buffer;
  template: string;
  /** Where the two came from, for `general.description`. */
  source: string;
  /** Model family name for `general.name`, e.g. `Qwen2.5 0.5B Instruct`. */
  label: string;
  /** `general.size_label` (see {@link StandInFamilySpec.sizeLabel}). Defaults to none. */
  sizeLabel?: string;
  /** Defaults to the vocab file's own when it is one of {@link StandInArchitecture}, else `llama`. */
  architecture?: StandInArchitecture;
  /** Defaults to `4096`. */
  contextLength?: number;
  /** Token renames and special ids on top of the vocab file's (see stand-in-families.ts). Defaults to none. */
  family?: Pick<StandInFamilySpec, "renames" | "special">;
  /** Defaults to `42`. */
  seed?: number;
}

/** A built stand-in, or why the input cannot make one. */
export type StandInBuild = { ok: true; bytes: Buffer; vocabSize: number } | { ok: false; reason: string };

const ARCHITECTURES: readonly StandInArchitecture[] = ["qwen2", "qwen3", "llama", "smollm3"];
/** Metadata the stand-in writes itself instead of copying. */
const REPLACED_KEYS = new Set(["tokenizer.chat_template", "tokenizer.ggml.add_bos_token"]);

/** Builds the stand-in GGUF for `input`. Pure: same input, same bytes. */
export function buildStandInGguf(input: StandInInput): StandInBuild {
  const read = readGgufKv(input.vocabBytes);
  if (!read.ok) return read;
  const entries = new Map(read.entries.map((entry) => [entry.key, entry]));
  const tokensEntry = entries.get("tokenizer.ggml.tokens");
  const typesEntry = entries.get("tokenizer.ggml.token_type");
  if (tokensEntry === undefined || typesEntry === undefined) {
    return { ok: false, reason: "the vocab file has no tokenizer.ggml.tokens and token_type" };
  }
  const tokens = decodeStringArray(tokensEntry.bytes);
  const types = decodeI32Array(typesEntry.bytes);
  for (const rename of input.family?.renames ?? []) {
    if (rename.id >= tokens.length) return { ok: false, reason: `token id ${rename.id} is past the vocabulary` };
    tokens[rename.id] = rename.text;
    types[rename.id] = rename.type;
  }
  const fileArchitecture = decodeArchitecture(entries.get("general.architecture"));
  const architecture = input.architecture ?? ARCHITECTURES.find((name) => name === fileArchitecture) ?? "llama";
  const seed = input.seed ?? 42;
  const kv = describeStandInKv(input, architecture, seed);
  for (const entry of read.entries) {
    if (!entry.key.startsWith("tokenizer.") || REPLACED_KEYS.has(entry.key)) continue;
    if (entry.key === "tokenizer.ggml.tokens") kv.push([entry.key, stringArray(tokens)]);
    else if (entry.key === "tokenizer.ggml.token_type") kv.push([entry.key, i32Array(types)]);
    else if (!isSpecialIdKey(entry.key) || input.family === undefined) kv.push([entry.key, raw(entry)]);
  }
  kv.push(...describeSpecialKv(input.family?.special));
  kv.push(["tokenizer.chat_template", { type: ValueType.String, value: input.template }]);
  const tensors = buildStandInTensors(architecture, tokens.length, DEFAULT_STAND_IN_SHAPE, seed);
  return { ok: true, bytes: serializeGguf(kv, tensors), vocabSize: tokens.length };
}

/** `general.*` and the architecture's hyperparameters. */
function describeStandInKv(input: StandInInput, architecture: string, seed: number): Array<[string, KvValue]> {
  const shape = DEFAULT_STAND_IN_SHAPE;
  const u32 = (value: number): KvValue => ({ type: ValueType.U32, value });
  const name = `${STAND_IN_LABEL} ${input.label} (RANDOM WEIGHTS: the family's tokenizer and chat template, not a brain)`;
  return [
    ["general.architecture", { type: ValueType.String, value: architecture }],
    ["general.name", { type: ValueType.String, value: name }],
    [
      "general.description",
      { type: ValueType.String, value: `Stand-in from ${input.source}; seeded random weights (seed ${seed}).` },
    ],
    ...(input.sizeLabel === undefined
      ? []
      : ([["general.size_label", { type: ValueType.String, value: input.sizeLabel }]] as Array<[string, KvValue]>)),
    ["general.alignment", u32(GGUF_ALIGNMENT)],
    ["general.file_type", u32(1)],
    [`${architecture}.context_length`, u32(input.contextLength ?? 4096)],
    [`${architecture}.embedding_length`, u32(shape.embeddingLength)],
    [`${architecture}.block_count`, u32(shape.blockCount)],
    [`${architecture}.feed_forward_length`, u32(shape.feedForwardLength)],
    [`${architecture}.rope.dimension_count`, u32(shape.embeddingLength / shape.headCount)],
    [`${architecture}.attention.head_count`, u32(shape.headCount)],
    [`${architecture}.attention.head_count_kv`, u32(shape.headCount)],
    [`${architecture}.attention.layer_norm_rms_epsilon`, { type: ValueType.F32, value: 1e-6 }],
  ];
}

const SPECIAL_ID_KEYS = ["bos_token_id", "eos_token_id", "padding_token_id", "eot_token_id"];

function isSpecialIdKey(key: string): boolean {
  return SPECIAL_ID_KEYS.some((suffix) => key === `tokenizer.ggml.${suffix}`);
}

function describeSpecialKv(special: StandInFamilySpec["special"] | undefined): Array<[string, KvValue]> {
  if (special === undefined) return [];
  const kv: Array<[string, KvValue]> = [
    ["tokenizer.ggml.bos_token_id", { type: ValueType.U32, value: special.bos }],
    ["tokenizer.ggml.eos_token_id", { type: ValueType.U32, value: special.eos }],
  ];
  if (special.pad !== undefined)
    kv.push(["tokenizer.ggml.padding_token_id", { type: ValueType.U32, value: special.pad }]);
  kv.push(["tokenizer.ggml.add_bos_token", { type: ValueType.Bool, value: special.addBos }]);
  return kv;
}

function decodeArchitecture(entry: RawKvEntry | undefined): string | undefined {
  return entry?.valueType === ValueType.String ? decodeString(entry.bytes) : undefined;
}

function raw(entry: RawKvEntry): KvValue {
  return { type: "raw", valueType: entry.valueType, bytes: entry.bytes };
}

function stringArray(value: string[]): KvValue {
  return { type: ValueType.Array, elementType: ValueType.String, value };
}

function i32Array(value: number[]): KvValue {
  return { type: ValueType.Array, elementType: ValueType.I32, value };
}

/** A stand-in on disk, with what `model stand-in --json` reports. */
export interface StandInModel {
  path: string;
  family: string;
  vocabSize: number;
  /** File name of the chat template. */
  templateName: string;
  bytes: number;
  /** Whether the call wrote the file (false: an identical one was already there). */
  written: boolean;
}

/** A stand-in made, or why not (no source bundle, git missing, a file that is not a GGUF vocabulary). */
export type StandInResult = { ok: true; model: StandInModel } | { ok: false; reason: string };

/** The default cache dir: `APPRENTICE_CACHE_DIR`, else the CLI's (see {@link defaultCacheDir}). */
export function defaultStandInCacheDir(): string {
  return process.env.APPRENTICE_CACHE_DIR ?? defaultCacheDir();
}

/**
 * Makes the stand-in of `family` in `cacheDir` (or at `out`) unless an identical file is already there: extracts the
 * family's vocab GGUF and template from node-llama-cpp's llama.cpp source bundle (cached under `cacheDir`), builds, and
 * writes durably. `onProgress` hears each stage. Concurrent callers each write whole files under the same name.
 */
export async function makeFamilyStandIn(
  family: StandInFamily,
  options: { cacheDir: string; out?: string; seed?: number; onProgress?: (message: string) => void },
): Promise<StandInResult> {
  const spec = STAND_IN_FAMILIES[family];
  const located = await locateLlamaSourceBundle(options.cacheDir);
  if (!located.ok) return located;
  const { bundle } = located;
  options.onProgress?.(`reading ${spec.vocabPath} and ${spec.templatePath} from llama.cpp ${bundle.tag}`);
  const extracted = await extractLlamaSourceFiles(bundle, [spec.vocabPath, spec.templatePath]);
  if (!extracted.ok) return extracted;
  const input: StandInInput = {
    vocabBytes: await readFile(extracted.files.get(spec.vocabPath) as string),
    template: await readFile(extracted.files.get(spec.templatePath) as string, "utf8"),
    source: `llama.cpp ${bundle.tag} (${bundle.commit.slice(0, 12)}) ${spec.vocabPath} and ${spec.templatePath}`,
    label: spec.label,
    sizeLabel: spec.sizeLabel,
    architecture: spec.architecture,
    contextLength: spec.contextLength,
    family: spec,
    seed: options.seed,
  };
  return writeStandIn(input, { family, templateName: path.basename(spec.templatePath), ...options });
}

/** Builds `input` and writes it to `out` or a content-named file in `cacheDir`, unless identical bytes are there. */
export async function writeStandIn(
  input: StandInInput,
  options: {
    cacheDir: string;
    out?: string;
    family: string;
    templateName: string;
    onProgress?: (message: string) => void;
  },
): Promise<StandInResult> {
  options.onProgress?.(`building the ${options.family} stand-in`);
  const built = buildStandInGguf(input);
  if (!built.ok) return built;
  const file =
    options.out ?? path.join(options.cacheDir, contentNamedGguf(`${STAND_IN_LABEL}-${options.family}`, built.bytes));
  await mkdir(path.dirname(file), { recursive: true });
  const written = await writeUnlessSame(file, built.bytes);
  const model = { path: file, family: options.family, vocabSize: built.vocabSize, templateName: options.templateName };
  return { ok: true, model: { ...model, bytes: built.bytes.length, written } };
}

/** Stand-ins this process has made or checked, by family and cache dir, with their size. */
const madeHere = new Map<string, { path: string; bytes: number }>();

/**
 * Path of a cached stand-in GGUF for `family` (real vocabulary, merges, special tokens and chat template, tiny random
 * weights), made on first use from node-llama-cpp's bundled llama.cpp source, offline. Throws when it cannot be made
 * (no bundle, git missing): a broken installation, not a model outcome. Within a process, a file already made or
 * checked is returned while it is still there at its size, without building it again.
 */
export async function ensureStandInModel(family: StandInFamily, cacheDir = defaultStandInCacheDir()): Promise<string> {
  const key = `${family}\0${path.resolve(cacheDir)}`;
  const known = madeHere.get(key);
  if (known !== undefined && (await fileSize(known.path)) === known.bytes) return known.path;
  const result = await makeFamilyStandIn(family, { cacheDir });
  if (!result.ok) throw new Error(`cannot make the ${family} stand-in model: ${result.reason}`);
  madeHere.set(key, { path: result.model.path, bytes: result.model.bytes });
  return result.model.path;
}

/** Architectures a vocab file may name for itself; others get llama's tensors. */
const KNOWN_VOCAB_ARCHITECTURES = new Set<string>(["qwen2", "qwen3", "llama", "smollm3"]);

/**
 * Makes a stand-in at `out` from any vocab GGUF and Jinja template the user gives (`model stand-in --vocab --template`):
 * the vocab file's tokenizer metadata as it is (no family renames), its architecture's tensors when known.
 */
export async function makeStandInFromFiles(options: {
  vocabBytes: Buffer;
  vocabName: string;
  template: string;
  templateName: string;
  out: string;
  seed?: number;
  onProgress?: (message: string) => void;
}): Promise<StandInResult> {
  const read = readGgufKv(options.vocabBytes);
  if (!read.ok) return { ok: false, reason: `${options.vocabName}: ${read.reason}` };
  const architecture = decodeArchitecture(read.entries.find((entry) => entry.key === "general.architecture"));
  const label = options.vocabName.replace(/\.gguf$/i, "");
  const input: StandInInput = {
    vocabBytes: options.vocabBytes,
    template: options.template,
    source: `${options.vocabName} and ${options.templateName}`,
    label,
    architecture:
      architecture !== undefined && KNOWN_VOCAB_ARCHITECTURES.has(architecture)
        ? (architecture as StandInArchitecture)
        : "llama",
    seed: options.seed,
  };
  return writeStandIn(input, {
    cacheDir: path.dirname(options.out),
    out: options.out,
    family: label,
    templateName: options.templateName,
    onProgress: options.onProgress,
  });
}
