// What `apprentice model list` shows: the GGUF files in models/ (and the configured model when it lives elsewhere), their sizes and headers.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { formatSize, inspectGgufFile } from "../brain/model-inspect.js";
import { PARTIAL_SUFFIX } from "../brain/model-pull.js";
import { resolveModelPath } from "../config.js";
import type { StatePaths } from "../memory/state-paths.js";
import { readConfigFile } from "../config-file.js";
import { toOneLine } from "../text/safe-text.js";

/** One model file. */
export interface ListedModel {
  file: string;
  path: string;
  sizeBytes: number;
  /** `models`: in the state dir's models/; `elsewhere`: the configured model, outside it. */
  location: "models" | "elsewhere";
  /** The configured (or `--model`) model. */
  configured: boolean;
  /** `gguf`: a complete GGUF; `partial`: an unfinished pull; `invalid`: not usable (see `problem`). */
  kind: "gguf" | "partial" | "invalid";
  architecture?: string;
  /** From the header's `general.file_type`, else the type most of the weights have (see `GgufSummary.quantization`). */
  quantization?: string;
  /** Where `quantization` came from. */
  quantizationSource?: "file-type" | "tensor-types";
  name?: string;
  problem?: string;
}

export interface ModelList {
  modelsDir: string;
  /** The model in use (absolute), from `--model` or config.json; `null` when none is set. */
  configuredPath: string | null;
  /** Why the configured model is unknown, when config.json cannot be read. */
  configProblem?: string;
  models: ListedModel[];
}

/** Lists `paths.models` without changing anything. */
export async function listModels(paths: StatePaths, modelOverride?: string): Promise<ModelList> {
  const read = await readConfigFile(paths.config);
  let configuredPath: string | null = null;
  let configProblem: string | undefined;
  if (modelOverride !== undefined) configuredPath = path.resolve(modelOverride);
  else if (read.status === "ok") configuredPath = resolveModelPath(read.config, paths.root) ?? null;
  else configProblem = read.message;

  const models: ListedModel[] = [];
  for (const name of (await readModelsDir(paths.models)).sort()) {
    const file = path.join(paths.models, name);
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    if (name.endsWith(PARTIAL_SUFFIX)) {
      models.push({
        file: name,
        path: file,
        sizeBytes: info.size,
        location: "models",
        configured: false,
        kind: "partial",
        problem: "unfinished pull: run the same `apprentice model pull` again to resume",
      });
    } else if (name.toLowerCase().endsWith(".gguf")) {
      models.push(await describeModel(file, "models", file === configuredPath));
    }
  }
  if (configuredPath !== null && !models.some((model) => model.path === configuredPath)) {
    models.push(await describeModel(configuredPath, "elsewhere", true));
  }
  return { modelsDir: paths.models, configuredPath, ...(configProblem !== undefined ? { configProblem } : {}), models };
}

async function readModelsDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith("."));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new Error(`cannot list ${dir}`, { cause: error });
  }
}

async function describeModel(
  file: string,
  location: ListedModel["location"],
  configured: boolean,
): Promise<ListedModel> {
  const base = { file: location === "models" ? path.basename(file) : file, path: file, location, configured };
  const inspection = await inspectGgufFile(file);
  if (!inspection.ok)
    return { ...base, sizeBytes: inspection.sizeBytes ?? 0, kind: "invalid", problem: inspection.detail };
  const { summary } = inspection;
  return {
    ...base,
    sizeBytes: summary.sizeBytes,
    kind: "gguf",
    ...(summary.architecture !== undefined ? { architecture: summary.architecture } : {}),
    ...(summary.quantization !== undefined ? { quantization: summary.quantization } : {}),
    ...(summary.quantizationSource !== undefined ? { quantizationSource: summary.quantizationSource } : {}),
    ...(summary.name !== undefined ? { name: summary.name } : {}),
  };
}

/** The human listing: one line per file, `*` marking the configured one. */
export function formatModelList(list: ModelList): string {
  const lines = [`Models in ${list.modelsDir}/`];
  if (list.models.length === 0)
    lines.push("  (no .gguf files; see `apprentice model recommend` and `apprentice model pull`)");
  const width = Math.max(0, ...list.models.map((model) => toOneLine(model.file).length));
  for (const model of list.models) {
    const size = formatSize(model.sizeBytes).padStart(8);
    const what =
      model.kind === "gguf"
        ? [model.architecture, describeQuantization(model), model.name !== undefined ? `"${model.name}"` : undefined]
            .filter((part) => part !== undefined)
            .map((part) => toOneLine(part, 120))
            .join(" ")
        : `✗ ${toOneLine(model.problem ?? "")}`;
    // The GGUF's header fields and the file name are the model file's own text: one line each, controls shown.
    lines.push(
      `  ${model.configured ? "*" : " "} ${toOneLine(model.file).padEnd(width)}  ${size}  ${what}${model.configured ? "  (configured)" : ""}`,
    );
  }
  if (list.configuredPath === null) {
    lines.push(
      list.configProblem !== undefined
        ? `configured: unknown (${list.configProblem})`
        : "configured: none (model.path is null)",
    );
  } else {
    lines.push(`configured: ${toOneLine(list.configuredPath)}`);
  }
  lines.push("");
  return lines.join("\n");
}

/** `Q4_K_M` from the header; `Q4_K (by tensor types)` when the header has no `general.file_type`. */
function describeQuantization(model: ListedModel): string | undefined {
  if (model.quantization === undefined) return undefined;
  return model.quantizationSource === "tensor-types" ? `${model.quantization} (by tensor types)` : model.quantization;
}
