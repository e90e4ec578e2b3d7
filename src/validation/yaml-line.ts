// Finds the line of a value in YAML text by its path, so an error about the parsed value can point into the file.
import { isNode, LineCounter, parseDocument } from "yaml";

/**
 * The 1-based line in `text` where the value at `keys` (object keys and list indexes, as in a valibot issue path)
 * starts; when that value is absent, the line of the nearest value above it (the object a required key is missing
 * from). Undefined for an empty path, a path that reaches nothing in the text, or text that is not valid YAML.
 */
export function yamlLineOf(text: string, keys: readonly PropertyKey[]): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) return undefined;
  for (let length = keys.length; length > 0; length--) {
    const node: unknown = doc.getIn(keys.slice(0, length), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
