// Makes text from the world (files, command output, messages, file names, model output) safe to show: no character
// in the result can move a terminal's cursor, start an escape sequence, reorder the text around it or begin a new line
// where the caller expects one.

/**
 * Characters never shown raw: C0 controls except tab and newline, DEL, C1 controls (U+0080–U+009F, which some
 * terminals read as CSI and OSC), the line and paragraph separators, and the invisible format and bidi controls
 * (zero-width spaces and joiners, LRM/RLM, embeddings and overrides, isolates, word joiner, BOM) that reorder or hide
 * text.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being matched
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;
/** The same set plus tab and newline, for text that must stay on one line. */
const UNSAFE_OR_BREAK =
  // eslint-disable-next-line no-control-regex -- see UNSAFE
  /[\u0000-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;
/** What JSON.stringify leaves raw of {@link UNSAFE}: everything above U+007E. */
const UNSAFE_IN_JSON = /[\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;

/** `\n`, `\t`, `\r` for those three; `\x1b` for other characters up to U+00FF; `\u202e` above. */
function visible(character: string): string {
  if (character === "\n") return "\\n";
  if (character === "\t") return "\\t";
  if (character === "\r") return "\\r";
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every unsafe character written out visibly (ESC as `\x1b`, RLO as `\u202e`); tabs and newlines stay.
 * For multi-line text shown whole: a terminal, a fenced block of the prompt, a Markdown code block.
 */
export function showControls(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * `text` on one line: unsafe characters, tabs and newlines written out visibly (`\n`), cut to `maxChars` with `…`.
 * For a field embedded in a line of its own kind (a log line, a journal list item, a table cell), where a raw newline
 * would let the text start a line that reads as structure (a fake `## Cycle` header, a fake log event).
 */
export function toOneLine(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const line = text.replace(UNSAFE_OR_BREAK, visible);
  return line.length > maxChars ? `${line.slice(0, Math.max(0, maxChars - 1))}…` : line;
}

/**
 * JSON.stringify, then the unsafe characters it leaves raw (DEL, C1, separators, bidi and format controls) written
 * as `\uXXXX` escapes: the same value when parsed, and nothing a terminal acts on when printed. C0 controls are
 * already escaped by JSON.stringify.
 */
export function stringifyJsonSafely(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? "null").replace(
    UNSAFE_IN_JSON,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
