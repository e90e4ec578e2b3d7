// A small curated table of real small instruct GGUFs and the rule that judges whether one fits a board's RAM. Pure data and arithmetic.

/** One downloadable quantization of a catalog model. */
export interface CatalogFile {
  quantization: "Q4_K_M" | "Q8_0";
  /** A node-llama-cpp model URI (`hf:<user>/<repo>:<quant>`), accepted by `apprentice model pull`. */
  uri: string;
  /** File size as Hugging Face lists it (decimal, rounded); approximate. */
  fileBytes: number;
}

/** A model family member, with what its context costs. */
export interface CatalogModel {
  id: string;
  name: string;
  /** Parameters in billions, as the model card states them. */
  billions: number;
  /**
   * KV cache per token of context at f16, in bytes: 2 (K and V) × layers × KV heads × head size × 2 bytes.
   * It is why two files of the same size can need very different RAM at the same context.
   */
  kvBytesPerToken: number;
  files: CatalogFile[];
}

const MB = 1024 * 1024;

/**
 * Sizes were read from the Hugging Face file listings (bartowski, unsloth and Qwen repos) when this table was written;
 * a repo may re-upload and shift them by a few MB. Architectures (layers, KV heads, head size) are from the model cards.
 */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: "smollm2-360m-instruct",
    name: "SmolLM2 360M Instruct",
    billions: 0.36,
    kvBytesPerToken: 2 * 32 * 5 * 64 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:bartowski/SmolLM2-360M-Instruct-GGUF:Q4_K_M", fileBytes: 271e6 },
      { quantization: "Q8_0", uri: "hf:bartowski/SmolLM2-360M-Instruct-GGUF:Q8_0", fileBytes: 386e6 },
    ],
  },
  {
    id: "qwen2.5-0.5b-instruct",
    name: "Qwen2.5 0.5B Instruct",
    billions: 0.49,
    kvBytesPerToken: 2 * 24 * 2 * 64 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", fileBytes: 398e6 },
      { quantization: "Q8_0", uri: "hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q8_0", fileBytes: 531e6 },
    ],
  },
  {
    id: "qwen3-0.6b",
    name: "Qwen3 0.6B",
    billions: 0.6,
    kvBytesPerToken: 2 * 28 * 8 * 128 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:unsloth/Qwen3-0.6B-GGUF:Q4_K_M", fileBytes: 397e6 },
      { quantization: "Q8_0", uri: "hf:Qwen/Qwen3-0.6B-GGUF:Q8_0", fileBytes: 639e6 },
    ],
  },
  {
    id: "llama-3.2-1b-instruct",
    name: "Llama 3.2 1B Instruct",
    billions: 1.24,
    kvBytesPerToken: 2 * 16 * 8 * 64 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", fileBytes: 808e6 },
      { quantization: "Q8_0", uri: "hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q8_0", fileBytes: 1320e6 },
    ],
  },
  {
    id: "qwen2.5-1.5b-instruct",
    name: "Qwen2.5 1.5B Instruct",
    billions: 1.54,
    kvBytesPerToken: 2 * 28 * 2 * 128 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M", fileBytes: 986e6 },
      { quantization: "Q8_0", uri: "hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q8_0", fileBytes: 1650e6 },
    ],
  },
  {
    id: "smollm2-1.7b-instruct",
    name: "SmolLM2 1.7B Instruct",
    billions: 1.7,
    kvBytesPerToken: 2 * 24 * 32 * 64 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:bartowski/SmolLM2-1.7B-Instruct-GGUF:Q4_K_M", fileBytes: 1060e6 },
      { quantization: "Q8_0", uri: "hf:bartowski/SmolLM2-1.7B-Instruct-GGUF:Q8_0", fileBytes: 1820e6 },
    ],
  },
  {
    id: "qwen3-1.7b",
    name: "Qwen3 1.7B",
    billions: 1.7,
    kvBytesPerToken: 2 * 28 * 8 * 128 * 2,
    files: [
      { quantization: "Q4_K_M", uri: "hf:unsloth/Qwen3-1.7B-GGUF:Q4_K_M", fileBytes: 1110e6 },
      { quantization: "Q8_0", uri: "hf:Qwen/Qwen3-1.7B-GGUF:Q8_0", fileBytes: 1830e6 },
    ],
  },
];

/** RAM kept for the OS, Node and llama.cpp's compute buffers on top of weights and KV cache, in MB. */
export const RUNTIME_RESERVE_MB = 300;

/** Share of total RAM a model may need and still count as a comfortable fit; above it, up to all of RAM, is `tight`. */
export const COMFORT_SHARE = 0.85;

/** The boards every recommendation is also shown for, in MB of RAM. */
export const BOARD_RAM_MB = [1024, 2048, 4096, 8192] as const;

/** `fits`: leaves room; `tight`: runs only on an otherwise idle board; `too-big`: does not run. */
export type FitVerdict = "fits" | "tight" | "too-big";

/** One catalog file judged against one amount of RAM. */
export interface FitEntry {
  id: string;
  name: string;
  quantization: CatalogFile["quantization"];
  uri: string;
  fileMB: number;
  /** KV cache at the given context, in MB. */
  kvMB: number;
  /** fileMB + kvMB + {@link RUNTIME_RESERVE_MB}. */
  needMB: number;
  verdict: FitVerdict;
}

/** Judges every catalog file for a board with `ramMB` of RAM at `contextSize` tokens, smallest need first. */
export function judgeCatalog(
  ramMB: number,
  contextSize: number,
  catalog: readonly CatalogModel[] = MODEL_CATALOG,
): FitEntry[] {
  const entries: FitEntry[] = [];
  for (const model of catalog) {
    for (const file of model.files) {
      const fileMB = Math.round(file.fileBytes / MB);
      const kvMB = Math.round((model.kvBytesPerToken * contextSize) / MB);
      const needMB = fileMB + kvMB + RUNTIME_RESERVE_MB;
      entries.push({
        id: model.id,
        name: model.name,
        quantization: file.quantization,
        uri: file.uri,
        fileMB,
        kvMB,
        needMB,
        verdict: judgeFit(needMB, ramMB),
      });
    }
  }
  return entries.sort((a, b) => a.needMB - b.needMB);
}

/** The verdict for needing `needMB` on a board with `ramMB`. */
export function judgeFit(needMB: number, ramMB: number): FitVerdict {
  if (needMB <= ramMB * COMFORT_SHARE) return "fits";
  if (needMB <= ramMB) return "tight";
  return "too-big";
}

/**
 * The suggestion among comfortable fits: the most parameters, and at equal size the Q4_K_M file (on a board's CPU,
 * memory bandwidth limits speed, so the smaller file generates faster). `undefined` when nothing fits comfortably.
 */
export function pickSuggestion(
  entries: readonly FitEntry[],
  catalog: readonly CatalogModel[] = MODEL_CATALOG,
): FitEntry | undefined {
  const billions = (entry: FitEntry): number => catalog.find((model) => model.id === entry.id)?.billions ?? 0;
  let best: FitEntry | undefined;
  for (const entry of entries) {
    if (entry.verdict !== "fits") continue;
    if (best === undefined) {
      best = entry;
      continue;
    }
    const larger = billions(entry) > billions(best);
    const sameSizeSmallerFile = billions(entry) === billions(best) && entry.needMB < best.needMB;
    if (larger || sameSizeSmallerFile) best = entry;
  }
  return best;
}
