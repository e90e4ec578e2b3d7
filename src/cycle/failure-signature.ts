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

/** Exit status of a temporary failure, "try again later" (`EX_TEMPFAIL` in sysexits.h). */
export const EX_TEMPFAIL = 75;

/**
 * Whether a failed step says its failure is temporary: a command that exited with {@link EX_TEMPFAIL}, or whose first
 * stderr line (`detail`) says "temporary", "temporarily" or "try again" (EAGAIN's own text is "Resource temporarily
 * unavailable"). The words are world text, so they can only make a masked command come back for its retest sooner;
 * they never unmask it or grant anything.
 */
export function isTemporaryFailure(error: string, detail: string | undefined): boolean {
  if (error === `exit ${EX_TEMPFAIL}`) return true;
  return detail !== undefined && /\btemporar(?:y|ily)\b|\btry again\b/i.test(detail);
}
