// Checks the arguments the model gives `run`; invariant: no accepted argument spells a path outside the workspace anywhere a program could read one.
import path from "node:path";

/** Longest argument accepted, in characters. */
export const MAX_ARG_CHARS = 120;

/**
 * Characters after which a program may start reading a path: option values (`--out=/x`), lists (`a,/x`, `a:/x`),
 * URLs (`file:///x`) and command strings that some programs hand to a shell (`find -exec sh -c "touch /x"`).
 */
const PIECE_SEPARATORS = /[=:,;|&<>()'"`\s]/;

/**
 * Why `arg` (the argument at `index`) is refused, or `undefined` when it may pass.
 * Refuses non-strings, over-long arguments, NUL bytes, and any absolute path or `..` segment in the whole argument,
 * in a piece after a separator, or in a short-option cluster's tail (`-o/tmp/x`, `-f../x`: getopt lets a value
 * follow its letter directly, and which letter takes a value is the program's business, so every tail counts).
 * This checks spelling only: links inside the workspace are the business of {@link scanWorkspaceLinks}.
 */
export function findArgumentProblem(arg: unknown, index: number): string | undefined {
  const which = `argument ${index + 1}`;
  if (typeof arg !== "string") return `${which} is not a string`;
  if (arg.length > MAX_ARG_CHARS) return `${which} is longer than ${MAX_ARG_CHARS} characters`;
  if (arg.includes("\0")) return `${which} contains a NUL byte`;
  for (const candidate of listPathCandidates(arg)) {
    if (candidate.split(/[\\/]/).includes("..")) return `${which} "${arg}" contains "..", which is not allowed`;
    if (path.isAbsolute(candidate)) {
      return candidate === arg
        ? `${which} "${arg}" is an absolute path; use paths relative to the workspace`
        : `${which} "${arg}" carries the absolute path "${candidate}"; use paths relative to the workspace`;
    }
  }
  return undefined;
}

/** The whole argument, every piece after a separator, and for a short-option cluster every tail after its first letter. */
function listPathCandidates(arg: string): string[] {
  const candidates = [arg, ...arg.split(PIECE_SEPARATORS)];
  if (/^-[^-]/.test(arg)) {
    for (let start = 2; start < arg.length; start++) candidates.push(arg.slice(start));
  }
  return candidates;
}
