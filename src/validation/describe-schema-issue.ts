// Turns one valibot issue into the `dotted.path: message` line that config, state and scenario errors show.
import type * as v from "valibot";

/** The place an issue is about (object keys and list indexes; empty for the whole value) and what is wrong there. */
export interface SchemaIssuePlace {
  keys: PropertyKey[];
  message: string;
}

/**
 * Where `issue` is and what it says. A strict object's unknown key is placed at the object (`Unrecognized key: "foo"`)
 * and a missing key at its own path (`missing (required)`): valibot's own messages for these read `Invalid key:
 * Expected never but received "foo"` and `Invalid key: Expected "id" but received undefined`.
 */
export function placeSchemaIssue(issue: v.BaseIssue<unknown>): SchemaIssuePlace {
  const keys = (issue.path ?? []).map((item) => item.key as PropertyKey);
  const last = issue.path?.at(-1);
  if (last?.origin === "key" && issue.expected === "never")
    return { keys: keys.slice(0, -1), message: `Unrecognized key: ${JSON.stringify(last.key)}` };
  if (last?.origin === "key" && issue.input === undefined) return { keys, message: "missing (required)" };
  return { keys, message: issue.message };
}

/**
 * Describes `issue` as `dotted.path: message` (`model: Unrecognized key: "foo"`, `goals.0.id: missing (required)`;
 * see {@link placeSchemaIssue}), with `rootLabel` for an issue about the whole value. Defaults `rootLabel` to
 * `(top level)`.
 */
export function describeSchemaIssue(issue: v.BaseIssue<unknown>, rootLabel = "(top level)"): string {
  const { keys, message } = placeSchemaIssue(issue);
  return `${keys.length > 0 ? keys.map(String).join(".") : rootLabel}: ${message}`;
}
