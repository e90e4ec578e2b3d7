// Writes a thread count to config.json's model.threads: validated with the config schema before it is written, written durably, every other field kept as written.
import { ConfigError, parseConfig } from "../config.js";
import { readConfigFile } from "../config-file.js";
import { writeFileDurably } from "../memory/durable-write.js";

export type TuneResult = { ok: true; threads: number; previous: number } | { ok: false; message: string };

/** Sets `model.threads` in `configFile` to `threads`. A missing or invalid config is reported, not repaired. */
export async function writeTunedThreads(configFile: string, threads: number): Promise<TuneResult> {
  const read = await readConfigFile(configFile);
  if (read.status !== "ok") return { ok: false, message: `${read.message}; model.threads was not changed` };
  const currentModel = read.raw["model"];
  const model = typeof currentModel === "object" && currentModel !== null ? currentModel : {};
  const updated = { ...read.raw, model: { ...model, threads } };
  try {
    parseConfig(updated, configFile);
  } catch (error) {
    if (error instanceof ConfigError)
      return { ok: false, message: `${error.issues.join("; ")}; model.threads was not changed` };
    throw error;
  }
  await writeFileDurably(configFile, `${JSON.stringify(updated, null, 2)}\n`);
  return { ok: true, threads, previous: read.config.model.threads };
}
