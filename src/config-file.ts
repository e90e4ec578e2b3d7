// Reads and validates a state dir's config.json without ever changing it: the one reader behind the daemon (at start and on every edit) and the CLI's commands.
import { readFile } from "node:fs/promises";
import { ConfigError, parseConfig, type Config } from "./config.js";
import { describeJsonSyntaxError } from "./text/describe-json-syntax-error.js";

/** The outcome of reading config.json; `raw` is the parsed JSON as written, for edits that keep the operator's other fields. */
export type ConfigRead =
  | { status: "ok"; config: Config; raw: Record<string, unknown> }
  | { status: "missing"; message: string }
  | {
      status: "invalid";
      /** `json`: not parseable; `schema`: parseable, but a field is wrong (`raw` holds what was written). */
      kind: "json" | "schema";
      message: string;
      /**
       * `json`: `line N, column M: reason` and, on the next two lines, the line itself with a caret under the spot;
       * `schema`: the config error listing each field on its own line.
       */
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
  return parseConfigText(file, text);
}

/**
 * Parses and validates `text` as the contents of `file`. A JSON error names the line and column (`message`:
 * `<file> is not valid JSON at line 7, column 3: expected ',' or '}' after property value`).
 */
export function parseConfigText(file: string, text: string): Exclude<ConfigRead, { status: "missing" }> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const problem = describeJsonSyntaxError(text, error);
    return {
      status: "invalid",
      kind: "json",
      message: `${file} is not valid JSON at ${problem.summary}`,
      detail: `${problem.summary}\n${problem.excerpt}`,
      issues: [problem.summary],
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
