// Normalizes error text into a failure signature, so the same failure in different runs compares equal.

/** Longest signature kept, in characters. */
export const SIGNATURE_MAX_LENGTH = 160;

/** Numbers → `#`, hex → `<hex>`, paths → `<path>`, whitespace collapsed, cut at 160 characters. */
export function failureSignature(errorText: string): string {
  return errorText
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{8,}\b/gi, "<hex>")
    .replace(/(?:~|\.{1,2})?(?:\/[\w.@+-]+)+\/?/g, "<path>")
    .replace(/\d+(?:\.\d+)?/g, "#")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, SIGNATURE_MAX_LENGTH);
}
