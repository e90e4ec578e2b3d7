// Turns one valibot issue into the `dotted.path: message` line that config, state and scenario errors show.
import type * as v from "valibot";

/**
 * Describes `issue` as `dotted.path: message`, with `rootLabel` for an issue about the whole value. A strict object's
 * unknown key is named at the object's path (`model: Unrecognized key: "foo"`), and a missing key at its own path
 * (`goals.0.id: missing (required)`): valibot's own messages for these read `Invalid key: Expected never but received
 * "foo"` and `Invalid key: Expected "id" but received undefined`. Defaults `rootLabel` to `(top level)`.
 */
export function describeSchemaIssue(issue: v.BaseIssue<unknown>, rootLabel = "(top level)"): string {
  const keys = (issue.path ?? []).map((item) => String(item.key));
  const last = issue.path?.at(-1);
  const where = (names: string[]) => (names.length > 0 ? names.join(".") : rootLabel);
  if (last?.origin === "key" && issue.expected === "never")
    return `${where(keys.slice(0, -1))}: Unrecognized key: ${JSON.stringify(last.key)}`;
  if (last?.origin === "key" && issue.input === undefined) return `${where(keys)}: missing (required)`;
  return `${where(keys)}: ${issue.message}`;
}
