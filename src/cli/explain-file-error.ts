// Finds the real cause of a file error whose code misleads (a recursive mkdir on a read-only mount says ENOENT) by looking at the path's existing parents; reads only.
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { readFileErrorFacts, type FileErrorFacts } from "../text/describe-file-error.js";

/**
 * The facts of a file error the operator must fix (see {@link readFileErrorFacts}), with the blocker looked up when
 * Node's code does not tell the cause: for mkdir's ENOENT the nearest existing parent (a file, or a folder that cannot
 * be written: EROFS, EACCES), for ENOTDIR the part of the path that is a file. `undefined` for any other error.
 * Synchronous: it runs once, on the way out of a command.
 */
export function explainFileError(error: unknown): FileErrorFacts | undefined {
  const facts = readFileErrorFacts(error);
  if (facts === undefined) return undefined;
  const creating = facts.code === "ENOENT" && facts.syscall === "mkdir";
  if (!creating && facts.code !== "ENOTDIR") return facts;
  const blocker = findBlocker(facts.path, creating);
  return blocker === undefined ? facts : { ...facts, blocker };
}

/**
 * Walks up from `target`'s parent to the nearest entry that exists: a file there is the blocker (ENOTDIR); a folder is
 * the blocker when `mustWrite` and it cannot be written (its access(2) code, e.g. EROFS on a read-only mount, which
 * applies to root as well). A parent that cannot be looked up for another reason is the blocker with that code.
 */
function findBlocker(target: string, mustWrite: boolean): { path: string; code: string } | undefined {
  let dir = path.dirname(target);
  for (;;) {
    const found = lookUp(dir);
    if (found === "directory") return mustWrite ? findWriteProblem(dir) : undefined;
    if (found === "file") return { path: dir, code: "ENOTDIR" };
    if (found !== "missing") return { path: dir, code: found.code };
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function lookUp(dir: string): "directory" | "file" | "missing" | { code: string } {
  try {
    return statSync(dir).isDirectory() ? "directory" : "file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    // ENOTDIR: a part above is a file; the walk goes on up to it.
    return code === "ENOENT" || code === "ENOTDIR" ? "missing" : { code };
  }
}

function findWriteProblem(dir: string): { path: string; code: string } | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return { path: dir, code: (error as NodeJS.ErrnoException).code ?? "EACCES" };
  }
}
