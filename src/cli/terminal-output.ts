// The only way the CLI writes to the terminal: text goes out with every control shown visibly, JSON with every unsafe character escaped, so nothing read from the state dir, a model file or the world can drive the operator's terminal.
import { showControls, stringifyJsonSafely } from "../text/safe-text.js";

/**
 * Writes `text` to stdout as it is, except that every character a terminal could act on (ESC, other C0 controls but
 * tab and newline, DEL, C1, bidi and invisible format controls) is written out visibly, e.g. `\x1b`. The caller adds
 * its own newlines.
 */
export function printOut(text: string): void {
  process.stdout.write(showControls(text));
}

/** {@link printOut} for stderr: messages, warnings and progress lines. */
export function printErr(text: string): void {
  process.stderr.write(showControls(text));
}

/**
 * Prints one JSON value, indented by two spaces, and a newline on stdout. It parses to the same value; DEL, C1, the
 * line separators and the bidi and format controls are written as `\uXXXX` escapes (JSON escapes C0 itself).
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${stringifyJsonSafely(value, 2)}\n`);
}

/** {@link printJson} on one line: for `--json` outputs read line by line (`log --follow --json`) or kept compact. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${stringifyJsonSafely(value)}\n`);
}
