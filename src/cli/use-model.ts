// Points config.json's model.path at a model file: validated before it is written, written durably, every other field kept as it was.
import path from "node:path";
import { ConfigError, parseConfig } from "../config.js";
import { writeFileDurably } from "../memory/durable-write.js";
import type { StatePaths } from "../memory/state-paths.js";
import { readConfigFile } from "../config-file.js";

export type UseModelResult = { ok: true; modelPath: string } | { ok: false; message: string };

/** The value model.path gets: relative to the state dir when the file is inside it (`models/<file>`), else absolute. */
export function configModelPath(root: string, modelFile: string): string {
  const relative = path.relative(root, modelFile);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return path.resolve(modelFile);
  return relative.split(path.sep).join("/");
}

/** Checks that config.json can take a new model.path, without writing; for refusing `--use` before a long download. */
export async function checkConfigWritable(paths: StatePaths): Promise<UseModelResult> {
  const read = await readConfigFile(paths.config);
  if (read.status !== "ok") return { ok: false, message: `${read.message}; fix it first (--use edits it)` };
  return { ok: true, modelPath: read.config.model.path ?? "" };
}

/** Sets model.path to `modelFile` in `paths.config`. The file is re-read here, so edits made during a download are kept. */
export async function useModel(paths: StatePaths, modelFile: string): Promise<UseModelResult> {
  const read = await readConfigFile(paths.config);
  if (read.status !== "ok") return { ok: false, message: `${read.message}; model.path was not changed` };
  const modelPath = configModelPath(paths.root, modelFile);
  const currentModel = read.raw["model"];
  const model = typeof currentModel === "object" && currentModel !== null ? currentModel : {};
  const updated = { ...read.raw, model: { ...model, path: modelPath } };
  try {
    parseConfig(updated, paths.config);
  } catch (error) {
    if (error instanceof ConfigError)
      return { ok: false, message: `${error.issues.join("; ")}; model.path was not changed` };
    throw error;
  }
  await writeFileDurably(paths.config, `${JSON.stringify(updated, null, 2)}\n`);
  return { ok: true, modelPath };
}
