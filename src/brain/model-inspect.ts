// Looks at a GGUF file and the llama.cpp binding without loading weights: header facts, truncation, binding health. Trouble is data, never a throw.
import { stat } from "node:fs/promises";
import type {
  GgmlType as GgmlTypes,
  GgufFileInfo,
  GgufFileType as GgufFileTypes,
  GgufTensorInfo,
} from "node-llama-cpp";
import type { Logger } from "../log.js";
import { describeError } from "../text/describe-error.js";
import { loadLlamaBinding } from "./llama-binding.js";

/** What a GGUF header says about a model. */
export interface GgufSummary {
  sizeBytes: number;
  /** GGUF format version (2 or 3). */
  version: number;
  /** `general.architecture`, e.g. `llama`, `qwen2`. */
  architecture?: string;
  /** `general.name`, when present. */
  name?: string;
  /**
   * Quantization from `general.file_type` (llama.cpp's LLAMA_FTYPE, named by node-llama-cpp's `GgufFileType`), e.g.
   * `Q4_K_M`, `Q8_0`, `F32`; when the header has none, the type holding most of the weights' elements, e.g. `Q4_K`.
   */
  quantization?: string;
  /** Where `quantization` came from: the header's `general.file_type`, or the tensors' own types. */
  quantizationSource?: "file-type" | "tensor-types";
  /** The metadata that tells an instruct model from a base one (see `judgeModelKind`). */
  kind: ModelKindFacts;
  /** Context length the model was trained with, in tokens. */
  trainContextSize?: number;
  parameterCount: number;
  /** False when this llama.cpp build does not know the architecture. */
  supported: boolean;
}

/** What the header says about the model's training: the name fields and whether it carries a chat template. */
export interface ModelKindFacts {
  /** `tokenizer.chat_template` is present and not empty. */
  hasChatTemplate: boolean;
  /** `general.name`, `general.basename`, `general.finetune` and `general.type` (`model`, `adapter`), as present. */
  names: string[];
}

export type GgufInspection =
  | { ok: true; summary: GgufSummary }
  | {
      ok: false;
      /** `unreadable`: cannot open; `not-gguf`: bad header; `truncated`: header fine but tensor data is missing. */
      problem: "unreadable" | "not-gguf" | "truncated";
      detail: string;
      sizeBytes?: number;
      /** For `truncated`: the size the header implies. */
      expectedBytes?: number;
    };

/**
 * Reads the header (metadata and tensor table) of `file` and checks that the file holds all the tensor data the header
 * promises: an interrupted copy or download has a valid header and too few bytes. Loads the process's llama.cpp binding
 * ({@link loadLlamaBinding}); its native log lines go to `logger` when given.
 */
export async function inspectGgufFile(file: string, logger?: Logger): Promise<GgufInspection> {
  let sizeBytes: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, problem: "unreadable", detail: `${file} is not a regular file` };
    sizeBytes = info.size;
  } catch (error) {
    return {
      ok: false,
      problem: "unreadable",
      detail: `${file} cannot be read (${errorCode(error) ?? describeError(error)})`,
    };
  }
  try {
    // Imported on use, like everywhere: the daemon process should not carry node-llama-cpp until a cycle needs it.
    const { GgmlType, GgufFileType, GgufInsights, readGgufFileInfo } = await import("node-llama-cpp");
    const info = await readGgufFileInfo(file, { logWarnings: false, sourceType: "filesystem" });
    // Given the process's binding: without one, GgufInsights makes its own Llama, and native lines escape the logger.
    const insights = await GgufInsights.from(info, await loadLlamaBinding(logger));
    const expectedBytes = (info.infoEndOffset ?? 0) + insights.modelSize;
    if (info.infoEndOffset !== undefined && sizeBytes < expectedBytes) {
      return {
        ok: false,
        problem: "truncated",
        detail: `${file} is incomplete: ${formatSize(sizeBytes)} of the ${formatSize(expectedBytes)} its header describes`,
        sizeBytes,
        expectedBytes,
      };
    }
    const general = info.metadata?.general;
    const summary: GgufSummary = {
      sizeBytes,
      version: Number(info.version),
      parameterCount: insights.totalParameters,
      supported: insights.isSupportedByLlamaCpp,
      kind: readModelKindFacts(info.metadata),
    };
    if (typeof general?.architecture === "string") summary.architecture = general.architecture;
    if (typeof general?.name === "string") summary.name = general.name;
    Object.assign(summary, describeQuantization(GgufFileType, GgmlType, general?.file_type, info.fullTensorInfo));
    if (insights.trainContextSize !== undefined) summary.trainContextSize = insights.trainContextSize;
    return { ok: true, summary };
  } catch (error) {
    return {
      ok: false,
      problem: "not-gguf",
      detail: `${file} is not a GGUF file (${describeError(error)})`,
      sizeBytes,
    };
  }
}

/**
 * The quantization label: from `general.file_type` when present (a writer may store it as a 64-bit integer, which
 * node-llama-cpp reads as a bigint), else from the tensor types; `{}` when neither says.
 */
function describeQuantization(
  GgufFileType: typeof GgufFileTypes,
  GgmlType: typeof GgmlTypes,
  fileType: unknown,
  tensors: readonly GgufTensorInfo[] | undefined,
): Pick<GgufSummary, "quantization" | "quantizationSource"> {
  if (typeof fileType === "number" || typeof fileType === "bigint")
    return { quantization: describeFileType(GgufFileType, Number(fileType)), quantizationSource: "file-type" };
  const dominant = findDominantTensorType(tensors ?? []);
  if (dominant === undefined) return {};
  const name = (GgmlType as unknown as Record<number, string | undefined>)[dominant];
  return { quantization: name ?? `ggml type ${dominant}`, quantizationSource: "tensor-types" };
}

/** `MOSTLY_Q4_K_M` → `Q4_K_M`, `ALL_F32` → `F32`; unknown numbers stay visible. */
function describeFileType(GgufFileType: typeof GgufFileTypes, fileType: number): string {
  const name = (GgufFileType as unknown as Record<number, string | undefined>)[fileType];
  if (name === undefined) return `file type ${fileType}`;
  return name.replace(/^(MOSTLY|ALL)_/, "");
}

/** The ggml type of the matrices (tensors of two or more dimensions) that hold the most elements; norms and biases do not count. */
function findDominantTensorType(tensors: readonly GgufTensorInfo[]): number | undefined {
  const elements = new Map<number, number>();
  for (const tensor of tensors) {
    if (tensor.dimensions.length < 2) continue;
    const count = tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
    elements.set(tensor.ggmlType, (elements.get(tensor.ggmlType) ?? 0) + count);
  }
  let best: number | undefined;
  for (const [type, count] of elements) if (best === undefined || count > (elements.get(best) ?? 0)) best = type;
  return best;
}

/** The name fields and chat template presence of a header's metadata. */
function readModelKindFacts(metadata: GgufFileInfo["metadata"] | undefined): ModelKindFacts {
  const general = (metadata?.general ?? {}) as Record<string, unknown>;
  const names = ["name", "basename", "finetune", "type"]
    .map((key) => general[key])
    .filter((value): value is string => typeof value === "string" && value.length > 0);
  const template = (metadata?.tokenizer as { chat_template?: unknown } | undefined)?.chat_template;
  return { hasChatTemplate: typeof template === "string" && template.trim().length > 0, names };
}

/** What loading the native binding showed. */
export type BindingProbe = { ok: true; detail: string } | { ok: false; reason: string };

/**
 * Loads the process's llama.cpp binding ({@link loadLlamaBinding}, the one the brain uses: CPU only, never built or
 * downloaded) and describes it. Takes about half a second; the binding stays loaded in this process, and its native
 * log lines go to `logger`.
 */
export async function probeLlamaBinding(logger: Logger): Promise<BindingProbe> {
  try {
    const llama = await loadLlamaBinding(logger);
    const release = llama.llamaCppRelease;
    const detail = `${llama.buildType} build of ${release.repo} ${release.release}, CPU, ${llama.cpuMathCores} math cores`;
    return { ok: true, detail };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

/** Bytes in MB of 2^20 bytes (the unit the sensors and `limits.reserveRamMB` use), one decimal below 10 MB, bytes below 0.1 MB. */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb < 0.1) return `${bytes} bytes`;
  return mb < 10 ? `${mb.toFixed(1)} MB` : `${Math.round(mb)} MB`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === "string" ? code : undefined;
}
