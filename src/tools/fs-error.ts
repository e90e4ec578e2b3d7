// One-line descriptions of failed fs calls and of file kinds; invariant: no absolute path ever appears in them.
import type { Stats } from "node:fs";

/**
 * One line for a failed fs call, such as `ENOENT: no such file or directory` (no absolute paths).
 * Rethrows anything that is not an OS error: that is a bug, not an outcome.
 */
export function describeFsError(error: unknown): string {
  const code = readErrnoCode(error);
  if (code === undefined || !(error instanceof Error)) throw error;
  const head = error.message.split(",")[0] ?? "";
  return head.startsWith(code) ? head : code;
}

/** The OS error code (`ENOENT`, `ELOOP`, ...) of an error, or `undefined` when it is not an OS error. */
export function readErrnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** What an entry is, for messages: "a directory", "a FIFO", "a symbolic link", ... */
export function describeFileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFile()) return "a regular file";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "a special file";
}
