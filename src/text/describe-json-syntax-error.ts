// Turns a JSON.parse error into what an operator fixes: the line and column (1-based), the reason in words, and the line itself with a caret under the spot.
import { findJsonErrorOffset } from "./find-json-error-offset.js";
import { toOneLine } from "./safe-text.js";

/** Where and why a text is not JSON. */
export interface JsonSyntaxProblem {
  /** 1-based line of the offending character (a line ends at `\n`). */
  line: number;
  /** 1-based column of it, in UTF-16 code units. */
  column: number;
  /** The reason in lower-case words, with a hint for the common slips (a trailing or missing comma, a comment). */
  reason: string;
  /** `line N, column M: reason`, for one-line messages. */
  summary: string;
  /** Two lines: the offending line (cut to about 72 characters around the spot, controls shown as `?`) and a caret. */
  excerpt: string;
}

/** Characters of the offending line shown around the column. */
const EXCERPT_CHARS = 72;

/**
 * Describes `error`, thrown by `JSON.parse(text)`. The position comes from the message when it carries one
 * (`… in JSON at position 42`, Node 20 on; the reason shows control characters visibly), else from {@link findJsonErrorOffset}; any message shape is accepted.
 */
export function describeJsonSyntaxError(text: string, error: unknown): JsonSyntaxProblem {
  // V8 quotes the text in some messages, newlines and all: only the words before the quote are kept.
  const message = error instanceof Error ? error.message : String(error);
  const positioned = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  const offset = Math.min(
    positioned !== null ? Number(positioned[2]) : (findJsonErrorOffset(text) ?? text.length),
    text.length,
  );
  const words =
    positioned?.[1] ??
    (/^Unexpected end of JSON input/.test(message)
      ? "the text ends before the JSON is complete"
      : (message.replace(/, ".*" is not valid JSON$/s, "").split("\n")[0] ?? ""));
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const column = offset - lineStart + 1;
  const reason = `${toOneLine(lowerFirst(words), 200)}${findHint(text, offset)}`;
  return {
    line,
    column,
    reason,
    summary: `line ${line}, column ${column}: ${reason}`,
    excerpt: drawExcerpt(text, lineStart, column, line),
  };
}

function lowerFirst(words: string): string {
  return words.length > 0 ? `${words[0]?.toLowerCase() ?? ""}${words.slice(1)}` : "not valid JSON";
}

/** A hint for the slips JSON.parse names only by their symptom. */
function findHint(text: string, offset: number): string {
  const previous = text.slice(0, offset).trimEnd();
  const here = text[offset] ?? "";
  if (previous.endsWith(",") && (here === "}" || here === "]"))
    return ` (remove the ',' before it: JSON allows no comma after the last item)`;
  if (here === "/") return " (JSON allows no comments)";
  if (here === "'") return ' (JSON strings take double quotes: "…")';
  const previousLineEnd = previous.length;
  if (here === '"' && /[}\]"\w]$/.test(previous) && text.slice(previousLineEnd, offset).includes("\n")) {
    const missingLine = previous.split("\n").length;
    return ` (a ',' is missing at the end of line ${missingLine})`;
  }
  return "";
}

function drawExcerpt(text: string, lineStart: number, column: number, line: number): string {
  const lineEnd = text.indexOf("\n", lineStart);
  const whole = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, "");
  const from = Math.max(0, Math.min(column - 1 - EXCERPT_CHARS / 2, whole.length - EXCERPT_CHARS));
  const shown = whole
    .slice(from, from + EXCERPT_CHARS)
    .split("")
    .map((char) => (toOneLine(char) === char ? char : "?"))
    .join("");
  const lead = from > 0 ? "…" : "";
  const tail = from + EXCERPT_CHARS < whole.length ? "…" : "";
  const gutter = " ".repeat(String(line).length);
  return `${line} | ${lead}${shown}${tail}\n${gutter} | ${" ".repeat(lead.length + column - 1 - from)}^`;
}
