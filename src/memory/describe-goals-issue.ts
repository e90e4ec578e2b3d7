// Turns a goals.yaml validation issue into a line the operator can find: the goal by its id, or its number counted
// from 1, and the line in the file; never valibot's zero-based `goals.1.id`.
import type * as v from "valibot";
import { placeSchemaIssue } from "../validation/describe-schema-issue.js";
import { yamlLineOf } from "../validation/yaml-line.js";

/** Longest id a goal is named by; a longer one is not an id anyone typed on purpose, so the goal gets its number. */
const MAX_NAMED_ID_CHARS = 64;

/**
 * Describes `issue`, found validating `raw` (parsed from `text`), as `goal "tidy-notes" (line 7): id: duplicate goal
 * id "tidy-notes"`, `goal 2 (line 5): title: missing (required)` for a goal without a usable id, or `version (line 1):
 * …` outside the goals list. The line is where the value starts, or where the goal starts when the value is missing,
 * and is left out when the text does not place it.
 */
export function describeGoalsIssue(issue: v.BaseIssue<unknown>, raw: unknown, text: string): string {
  const { keys, message } = placeSchemaIssue(issue);
  const line = yamlLineOf(
    text,
    (issue.path ?? []).map((item) => item.key as PropertyKey),
  );
  const at = line === undefined ? "" : ` (line ${line})`;
  const [top, index, ...rest] = keys;
  if (top === "goals" && typeof index === "number") {
    const field = rest.length > 0 ? `${rest.map(String).join(".")}: ` : "";
    return `${goalLabel(raw, index)}${at}: ${field}${message}`;
  }
  return `${keys.length > 0 ? keys.map(String).join(".") : "(top level)"}${at}: ${message}`;
}

/** `goal "tidy-notes"` when the goal has a short non-empty string id, else `goal 2` (counted from 1). */
function goalLabel(raw: unknown, index: number): string {
  const goals = (raw as { goals?: unknown } | null | undefined)?.goals;
  const goal: unknown = Array.isArray(goals) ? goals[index] : undefined;
  const id = typeof goal === "object" && goal !== null ? (goal as { id?: unknown }).id : undefined;
  return typeof id === "string" && id.trim() !== "" && id.length <= MAX_NAMED_ID_CHARS
    ? `goal ${JSON.stringify(id)}`
    : `goal ${index + 1}`;
}
