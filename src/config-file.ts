// Reads and validates a state dir's config.json without changing anything: the one reader behind the daemon's loadConfig (which then moves bad JSON aside) and the CLI's read-only commands.
import { readFile } from "node:fs/promises";
import { ConfigError, parseConfig, type Config } from "./config.js";

/** The outcome of reading config.json; `raw` is the parsed JSON as written, for edits that keep the operator's other fields. */
export type ConfigRead =
  | { status: "ok"; config: Config; raw: Record<string, unknown> }
  | { status: "missing"; message: string }
  | {
      status: "invalid";
      /** `json`: not parseable; `schema`: parseable, but a field is wrong (`raw` holds what was written). */
      kind: "json" | "schema";
      message: string;
      /** The parser's own message: JSON.parse's error, or the config error listing each field on its own line. */
      detail: string;
      issues: string[];
      raw?: unknown;
    };

/** Reads `file`. Throws only for I/O errors other than a missing file (a bug or a broken disk). */
export async function readConfigFile(file: string): Promise<ConfigRead> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing", message: `${file} is missing` };
    throw new Error(`cannot read ${file}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      status: "invalid",
      kind: "json",
      message: `${file} is not valid JSON (${detail})`,
      detail,
      issues: [detail],
    };
  }
  try {
    const config = parseConfig(raw, file);
    return { status: "ok", config, raw: raw as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ConfigError) {
      return {
        status: "invalid",
        kind: "schema",
        message: `${file} is not a valid config: ${error.issues.join("; ")}`,
        detail: error.message,
        issues: error.issues,
        raw,
      };
    }
    throw error;
  }
}
