// A minimal leveled logger to stderr; injected through deps so tests can capture or silence it. One event is one line:
// whatever a message carries (a file name with newlines, a terminal escape) is written out visibly on that line.
import { toOneLine } from "./text/safe-text.js";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * Logs lines as `<iso time> <level> <message>` to stderr, dropping those below `level`. The message is put on one line
 * by `toOneLine` (newlines as `\n`, controls as `\x1b`), so no caller can forge a second log event or drive the
 * terminal, whatever world text it logs.
 */
export function createConsoleLogger(level: LogLevel = "info", clock: () => Date = () => new Date()): Logger {
  const emit = (at: LogLevel, message: string): void => {
    if (LEVELS[at] < LEVELS[level]) return;
    process.stderr.write(`${clock().toISOString()} ${at.padEnd(5)} ${toOneLine(message)}\n`);
  };
  return {
    debug: (message) => emit("debug", message),
    info: (message) => emit("info", message),
    warn: (message) => emit("warn", message),
    error: (message) => emit("error", message),
  };
}

/** A logger that keeps lines in memory, one line per event as {@link createConsoleLogger} writes them; for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level} ${toOneLine(message)}`);
  return { lines, debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}
