// The issue path to a nested value, for checks that look at a whole document and report on one field of it.
import type * as v from "valibot";

/**
 * The path items from `root` down through `keys` (object keys and array indexes), each with the value it reaches, as
 * valibot's own schemas would have made them: the path {@link describeSchemaIssue} turns into `goals.1.id`.
 */
export function valuePath(
  root: unknown,
  ...keys: [string | number, ...Array<string | number>]
): [v.IssuePathItem, ...v.IssuePathItem[]] {
  let input = root;
  const items = keys.map((key): v.IssuePathItem => {
    const value = (input as Record<string | number, unknown>)[key];
    const item: v.IssuePathItem = Array.isArray(input)
      ? { type: "array", origin: "value", input, key: key as number, value }
      : { type: "object", origin: "value", input: input as Record<string, unknown>, key: String(key), value };
    input = value;
    return item;
  });
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}
