// Messages between the daemon's WorkerBrain and the model's process (brain-worker): plain data, one id per request.
import type { JsonSchema } from "../tools/json-schema.js";
import type { OpenOptions, Prompt } from "./brain.js";

export type WorkerRequest =
  | { id: number; method: "checkBinding" }
  | { id: number; method: "inspect"; modelPath: string }
  | { id: number; method: "estimate"; modelPath: string; contextSize: number }
  | { id: number; method: "open"; options: OpenOptions }
  | { id: number; method: "decide"; prompt: Prompt; schema: JsonSchema }
  | { id: number; method: "generateJson"; prompt: Prompt; schema: JsonSchema }
  | { id: number; method: "dispose" }
  | { id: number; method: "abort"; target: number; reason: { name: string; message: string } };

/** Distributes over the union so each variant keeps its own fields. */
export type WorkerRequestBody = WorkerRequest extends infer R
  ? R extends WorkerRequest
    ? Omit<R, "id">
    : never
  : never;

export type WorkerReply = { id: number; result: unknown } | { id: number; error: string };
