// Cuts strings that overshoot their schema's maxLength. Byte-level tokens can decode to more characters than the grammar counted.
import type { JsonSchema } from "../tools/json-schema.js";

/**
 * Returns a copy of `value` where every string longer than its schema's `maxLength` is cut to it,
 * and whether anything was cut. Values that do not match the schema's shape are left as they are for the
 * validator to reject.
 */
export function clampStrings(value: unknown, schema: JsonSchema): { value: unknown; clamped: boolean } {
  if (typeof value === "string" && "type" in schema && schema.type === "string" && schema.maxLength !== undefined) {
    if (value.length <= schema.maxLength) return { value, clamped: false };
    return { value: cutToUtf16Length(value, schema.maxLength), clamped: true };
  }
  if (Array.isArray(value) && "type" in schema && schema.type === "array") {
    let clamped = false;
    const items = value.map((item) => {
      const result = clampStrings(item, schema.items);
      clamped ||= result.clamped;
      return result.value;
    });
    return { value: items, clamped };
  }
  if (isPlainObject(value) && "type" in schema && schema.type === "object") {
    let clamped = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const propertySchema = schema.properties[key];
      if (propertySchema === undefined) {
        out[key] = item;
        continue;
      }
      const result = clampStrings(item, propertySchema);
      clamped ||= result.clamped;
      out[key] = result.value;
    }
    return { value: out, clamped };
  }
  return { value, clamped: false };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Cuts to at most `max` UTF-16 units (the unit node-llama-cpp's validator counts) without splitting a surrogate pair.
 */
function cutToUtf16Length(text: string, max: number): string {
  let out = "";
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}
