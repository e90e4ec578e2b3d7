// Finds workspace entries through which a program could reach outside; invariant: a complete scan that finds nothing means every symlink resolves inside the workspace and every regular file has a single link.
import type { Dirent } from "node:fs";
import { lstat, readdir, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { describeFsError, isInside, readErrnoCode } from "./sandbox-path.js";

/** Entries {@link scanWorkspaceLinks} looks at before it gives up (and `run` refuses). */
export const MAX_SCANNED_ENTRIES = 10_000;
/** Escapes named in one scan; one is enough to refuse, a few help the operator clean up. */
const MAX_REPORTED_ESCAPES = 3;

/** What a scan of the whole workspace found. */
export interface LinkScan {
  /** One line per entry that leads (or may lead) outside, workspace-relative; at most three. */
  escapes: string[];
  /** Entries looked at. */
  scannedEntries: number;
  /** False when the walk stopped at `maxEntries` (or at the third escape) before seeing everything. */
  complete: boolean;
}

/**
 * Walks the whole workspace (hidden entries included, symlinked directories not entered) and reports what a program
 * could use to reach outside it: a symlink whose real target is outside, a dangling symlink whose target would be
 * created outside (or is spelled with `..`), a symlink that cannot be resolved, a regular file with more than one
 * hard link, and a directory that cannot be read. Never throws for an OS error; a bug still throws.
 */
export async function scanWorkspaceLinks(
  workspaceDir: string,
  { maxEntries = MAX_SCANNED_ENTRIES }: { maxEntries?: number } = {},
): Promise<LinkScan> {
  const scan: LinkScan = { escapes: [], scannedEntries: 0, complete: true };
  let root: string;
  try {
    root = await realpath(workspaceDir);
  } catch (error) {
    scan.escapes.push(`the workspace itself: ${describeFsError(error)}`);
    return scan;
  }
  const pending = ["."];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch (error) {
      scan.escapes.push(`${dir}: cannot be checked (${describeFsError(error)})`);
      if (scan.escapes.length >= MAX_REPORTED_ESCAPES) return { ...scan, complete: false };
      continue;
    }
    for (const entry of entries) {
      if (scan.scannedEntries >= maxEntries) return { ...scan, complete: false };
      scan.scannedEntries++;
      const relative = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) pending.push(relative);
      const escape = await describeEscape(root, relative, entry);
      if (escape === undefined) continue;
      scan.escapes.push(escape);
      if (scan.escapes.length >= MAX_REPORTED_ESCAPES) return { ...scan, complete: false };
    }
  }
  return scan;
}

/** Why one entry leads outside, or `undefined` when it does not. */
async function describeEscape(root: string, relative: string, entry: Dirent): Promise<string | undefined> {
  const absolute = path.join(root, relative);
  if (entry.isFile()) {
    try {
      const stats = await lstat(absolute);
      return stats.nlink > 1
        ? `${relative} has ${stats.nlink} hard links; another may be outside the workspace`
        : undefined;
    } catch (error) {
      // Gone since readdir: nothing left to escape through.
      if (readErrnoCode(error) === "ENOENT") return undefined;
      return `${relative}: cannot be checked (${describeFsError(error)})`;
    }
  }
  if (!entry.isSymbolicLink()) return undefined;
  try {
    const real = await realpath(absolute);
    return isInside(root, real) ? undefined : `${relative} is a symbolic link leading outside the workspace`;
  } catch (error) {
    if (readErrnoCode(error) !== "ENOENT")
      return `${relative} is a symbolic link that cannot be resolved (${describeFsError(error)})`;
  }
  // Dangling: a program writing through it creates its target. Resolving `..` by spelling is not what the kernel does
  // (it goes up from the real directory a link led to), so a dangling target with `..` is refused outright.
  let target: string;
  try {
    target = await readlink(absolute);
  } catch (error) {
    if (readErrnoCode(error) === "ENOENT") return undefined;
    return `${relative}: cannot be checked (${describeFsError(error)})`;
  }
  if (target.split("/").includes("..")) return `${relative} is a dangling symbolic link whose target goes up with ".."`;
  return isInside(root, path.resolve(path.dirname(absolute), target))
    ? undefined
    : `${relative} is a dangling symbolic link to a place outside the workspace`;
}
