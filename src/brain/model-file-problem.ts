// Whether the configured model file can be used, and the one "fix the model" message given when it cannot: the same diagnosis and remedy for `once`, `start`, a cycle and `doctor`.
import { stat } from "node:fs/promises";
import type { GgufInspection } from "./model-inspect.js";

/** Told to the operator whenever a cycle needs the model and none is configured. */
export const NO_MODEL_MESSAGE = [
  "no model is configured.",
  "Put a GGUF file (a small instruct model such as Qwen2.5 0.5B/1.5B Instruct or Llama 3.2 1B Instruct, Q4_K_M) in the state dir's models/ folder",
  'and set "model": {"path": "models/<file>.gguf"} in config.json, or pass --model PATH.',
  "For an offline try-out with a random-weights stand-in, run: npm run demo",
].join("\n");

/** Where to get a usable model: said with every model problem. */
export const PULL_ADVICE =
  "see `apprentice model recommend`, then `apprentice model pull <uri> --use`, or copy a .gguf into models/ and set model.path";

/** A GGUF inspection's problem: `unreadable` (missing, a folder, no permission), `not-gguf`, `truncated`. */
export type ModelFileProblemKind = Extract<GgufInspection, { ok: false }>["problem"];

/** What the operator does about each kind of model file problem; `doctor` gives the same remedy. */
export function describeModelRemedy(problem: ModelFileProblemKind): string {
  switch (problem) {
    case "unreadable":
      return `check model.path in config.json (or --model), or ${PULL_ADVICE}`;
    case "not-gguf":
      return "it may be an HTML error page or another format; delete it and pull the model again, or point model.path at a .gguf";
    case "truncated":
      return "an interrupted copy or download: run the same `apprentice model pull` again (it resumes), or copy the file again";
  }
}

/**
 * Reads a GGUF's header without loading weights (`inspectGgufFile`, in whichever process may carry node-llama-cpp);
 * `undefined` when it could not look (the model process failed), and then only the file's presence is checked.
 */
export type InspectModelFile = (file: string) => Promise<GgufInspection | undefined>;

/**
 * Why the model file cannot be used, as one "fix the model" line: the inspection's precise diagnosis (missing,
 * unreadable, not a GGUF, "102400 bytes of the 1.1 MB its header describes") and its remedy; `undefined` when it can.
 * Without `inspect` only the file's presence is checked, for callers whose brain reads no files (scripted tests).
 */
export async function describeModelFileProblem(file: string, inspect?: InspectModelFile): Promise<string | undefined> {
  const inspection = (await inspect?.(file)) ?? (await statModelFile(file));
  return inspection.ok ? undefined : formatModelFileProblem(inspection);
}

/** The one line for a failed inspection: `fix the model: <diagnosis>; <remedy>`. */
export function formatModelFileProblem(inspection: Extract<GgufInspection, { ok: false }>): string {
  return `fix the model: model file ${inspection.detail}; ${describeModelRemedy(inspection.problem)}`;
}

/** The presence check alone, worded as `inspectGgufFile` words it; the header is taken as fine. */
async function statModelFile(file: string): Promise<GgufInspection | { ok: true }> {
  try {
    const info = await stat(file);
    return info.isFile() ? { ok: true } : { ok: false, problem: "unreadable", detail: `${file} is not a regular file` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, problem: "unreadable", detail: `${file} cannot be read (${code})` };
  }
}
