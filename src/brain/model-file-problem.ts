// Whether the configured model file can be used, and the advice given when it cannot: checked by the daemon at start and by every cycle that needs the model.
import { stat } from "node:fs/promises";

/** Told to the operator whenever a cycle needs the model and none is configured. */
export const NO_MODEL_MESSAGE = [
  "no model is configured.",
  "Put a GGUF file (a small instruct model such as Qwen2.5 0.5B/1.5B Instruct or Llama 3.2 1B Instruct, Q4_K_M) in the state dir's models/ folder",
  'and set "model": {"path": "models/<file>.gguf"} in config.json, or pass --model PATH.',
  "For an offline try-out with a random-weights stand-in, run: npm run demo",
].join("\n");

/** Why the model file cannot be used (missing, unreadable, not a file), with the advice of {@link NO_MODEL_MESSAGE}; `undefined` when it can. */
export async function describeModelFileProblem(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? undefined : `model path ${file} is not a file`;
  } catch (error) {
    return `model file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}). ${NO_MODEL_MESSAGE}`;
  }
}
