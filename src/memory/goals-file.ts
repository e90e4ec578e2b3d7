// Reads the operator's goals.yaml: validated with valibot, errors name the goal (by id, else counted from 1), the line
// and the field; the agent never writes this file.
import { readFile, stat } from "node:fs/promises";
import * as v from "valibot";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { wholeNumber } from "../validation/numbers.js";
import { plainObject } from "../validation/plain-object.js";
import { valuePath } from "../validation/value-path.js";
import { describeGoalsIssue } from "./describe-goals-issue.js";

const DURATION = /^(\d+)\s*(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Parses `30m`, `6h`, `1d`, `2w` into milliseconds; undefined for anything else. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const unit = match[2] as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}

// An object first: an array would otherwise be read as a goal whose `every` is Array.prototype.every.
const goalSchema = v.pipe(
  plainObject,
  v.strictObject({
    /** Stable id, used in the db, episodes and journal. */
    id: v.pipe(
      v.string(),
      v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a short id: lowercase letters, digits and dashes, e.g. "tidy-notes"'),
    ),
    /** What the operator wants, in a sentence or two. */
    title: v.pipe(v.string(), v.minLength(1), v.maxLength(2000)),
    /** Shell command run in workspace/; exit status 0 means the goal is met. */
    check: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(2000))),
    /** Recurrence: once met, the goal is due again after this long (e.g. `6h`, `1d`). */
    every: v.optional(
      v.pipe(
        v.string(),
        v.check((value) => parseDurationMs(value) !== undefined, 'a duration such as "30m", "6h", "1d" or "1w"'),
      ),
    ),
    /** Higher goes first. Defaults to `0`. */
    priority: v.optional(wholeNumber(-100, 100), 0),
  }),
);

// Every key is optional, so the file is an object first: a list at the top is refused, not read as no goals.
const goalsFileSchema = v.pipe(
  plainObject,
  v.strictObject({
    version: v.optional(v.literal(1), 1),
    goals: v.optional(
      v.pipe(
        v.array(goalSchema),
        v.maxLength(100),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const goals = dataset.value;
          const seen = new Set<string>();
          goals.forEach((goal, index) => {
            if (seen.has(goal.id)) {
              addIssue({ message: `duplicate goal id "${goal.id}"`, path: valuePath(goals, index, "id") });
            }
            seen.add(goal.id);
          });
        }),
      ),
      [],
    ),
  }),
);

export type Goal = v.InferOutput<typeof goalSchema>;

/** `warning` names the file when it loaded but looks damaged (empty, or cut off without a final newline). */
export type GoalsResult = { ok: true; goals: Goal[]; warning?: string } | { ok: false; error: string };

/** Largest goals file read; 100 goals of a few lines each fit many times over. */
export const MAX_GOALS_FILE_BYTES = 1024 * 1024;

/**
 * The last goals file parsed, by its exact text: a daemon reads goals.yaml at every wake and it rarely changes, and
 * parsing and validating the YAML cost more than the rest of a cycle's reading of its inputs. Each call gets a copy.
 */
let lastParsed: { file: string; text: string; result: GoalsResult } | undefined;

/** Loads and validates the goals file. A missing file means no goals; a bad one is an error naming the field. */
export async function loadGoals(file: string): Promise<GoalsResult> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, error: `${file} is not a regular file` };
    // Parsing tens of MB of YAML would hold a small board's CPU and memory for minutes.
    if (info.size > MAX_GOALS_FILE_BYTES)
      return {
        ok: false,
        error: `${file} is ${info.size} bytes; a goals file is at most ${MAX_GOALS_FILE_BYTES} bytes`,
      };
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, goals: [] };
    return { ok: false, error: `${file}: cannot read: ${(error as Error).message}` };
  }
  if (lastParsed !== undefined && lastParsed.file === file && lastParsed.text === text)
    return structuredClone(lastParsed.result);
  const result = parseGoalsText(file, text);
  lastParsed = { file, text, result: structuredClone(result) };
  return result;
}

function parseGoalsText(file: string, text: string): GoalsResult {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : "";
    return { ok: false, error: `${file}: not valid YAML${where}: ${(error as Error).message.split("\n")[0]}` };
  }
  const result = v.safeParse(goalsFileSchema, raw ?? {});
  if (!result.success) {
    const issues = result.issues.map((issue) => describeGoalsIssue(issue, raw, text));
    return {
      ok: false,
      error: `${file} is not a valid goals file:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`,
    };
  }
  const warning =
    text.trim() === ""
      ? `${file} is empty: no goals`
      : !text.endsWith("\n")
        ? `${file} does not end with a newline; if it was cut off (a crash while saving), its last goal may be incomplete`
        : undefined;
  return { ok: true, goals: result.output.goals, ...(warning !== undefined ? { warning } : {}) };
}
