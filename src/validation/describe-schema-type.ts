// Names the values a valibot schema accepts, in a few words for a reference ("integer 256–131072", "list of program name (at most 64)"); read off the schema, never listed by hand.
import * as v from "valibot";

/** A schema or pipe item as the describer reads it: only the fields it looks at. */
interface SchemaNode {
  kind: string;
  type: string;
  expects?: string | null;
  requirement?: unknown;
  pipe?: readonly SchemaNode[];
  wrapped?: SchemaNode;
  item?: SchemaNode;
  literal?: unknown;
  options?: readonly unknown[];
}

/**
 * The values `schema` accepts, in words: a title given with `v.title` names the type outright; otherwise the base type
 * with what its pipe requires (whole numbers, bounds, non-empty, a list's longest length). A record from
 * `plainRecord` is named by the key and value schemas in its metadata. Never throws: a kind it does not know is
 * named by valibot's own `expects`.
 */
export function describeSchemaType(schema: v.GenericSchema): string {
  const title = v.getTitle(schema);
  if (title !== undefined) return title;
  const metadata = v.getMetadata(schema) as { recordKey?: v.GenericSchema; recordValue?: v.GenericSchema };
  if (metadata.recordKey !== undefined && metadata.recordValue !== undefined) {
    return `map of ${describeSchemaType(metadata.recordKey)} to ${describeSchemaType(metadata.recordValue)}`;
  }
  const node = schema as unknown as SchemaNode;
  const actions = collectActions(node);
  switch (node.type) {
    case "number":
      return describeRange(actions.has("safe_integer") || actions.has("integer") ? "integer" : "number", actions);
    case "string":
      return (actions.get("min_length") ?? 0) > 0 ? "non-empty string" : "string";
    case "boolean":
      return "boolean";
    case "literal":
      return JSON.stringify(node.literal);
    case "picklist":
      return (node.options ?? []).map((option) => JSON.stringify(option)).join(" | ");
    case "optional":
    case "nullish":
    case "exact_optional":
      return describeSchemaType(node.wrapped as unknown as v.GenericSchema);
    case "nullable":
      return `${describeSchemaType(node.wrapped as unknown as v.GenericSchema)} or null`;
    case "array":
      return describeArray(node, actions);
    case "object":
    case "strict_object":
    case "loose_object":
      return "section";
    default:
      return node.expects ?? node.type;
  }
}

/** The validation actions in `node`'s pipe and its nested pipes, by type, with their numeric requirement (0 when it has none). */
function collectActions(node: SchemaNode): Map<string, number> {
  const found = new Map<string, number>();
  const visit = (current: SchemaNode): void => {
    for (const item of current.pipe ?? []) {
      if (item.kind === "schema" && item.pipe !== undefined) visit(item);
      else if (item.kind === "validation" && !found.has(item.type)) {
        found.set(item.type, typeof item.requirement === "number" ? item.requirement : 0);
      }
    }
  };
  visit(node);
  return found;
}

function describeRange(base: string, actions: Map<string, number>): string {
  const min = actions.get("min_value");
  const max = actions.get("max_value");
  if (min !== undefined && max !== undefined) return `${base} ${min}–${max}`;
  if (min !== undefined) return `${base} ≥ ${min}`;
  if (max !== undefined) return `${base} ≤ ${max}`;
  return base;
}

function describeArray(node: SchemaNode, actions: Map<string, number>): string {
  const item = describeSchemaType(node.item as unknown as v.GenericSchema);
  const items = item.includes(" ") && item.includes("|") ? `(${item})` : item;
  const max = actions.get("max_length");
  return `list of ${items}${max !== undefined ? ` (at most ${max})` : ""}`;
}
