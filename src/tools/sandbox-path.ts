// Checks the spelling of model-supplied paths and lists the workspace; invariant: an `ok` path is relative, without `..` or NUL, and the listing reads through no link.
import type { Dirent } from "node:fs";
import path from "node:path";
import { mapLimited } from "./map-limited.js";
import { openWorkspaceRoot, readDirBeneath, splitRelative } from "./open-beneath.js";

// Kept here for the modules that import them from this file (run-command, spawn-capped, workspace-links).
export { describeFsError, readErrnoCode } from "./fs-error.js";

/** Longest workspace-relative path accepted, in characters. */
export const MAX_PATH_CHARS = 256;

/** How deep {@link listWorkspace} looks: directories up to this many levels below the workspace root, and their files. */
export const MAX_LIST_DEPTH = 4;

/** Directories read at once while listing: enough to keep libuv's four threads busy, few enough fds. */
const LIST_CONCURRENCY = 8;

/** A checked model-supplied path: normalized, relative, POSIX separators, "." for the root, and its plain names. */
export interface WorkspacePath {
  ok: true;
  relative: string;
  /** The names to walk from the workspace root, none for "."; never empty, ".", ".." or containing "/". */
  parts: string[];
}

/** The files and directories the model may name this step. */
export interface WorkspaceListing {
  /** Workspace-relative regular files, shallowest first, then by name. */
  files: string[];
  /** Workspace-relative directories, "." first. */
  dirs: string[];
  /** True when `maxEntries` cut either list short. */
  truncated: boolean;
  /** Directories that could not be read, each with the reason. */
  unreadable: string[];
}

/**
 * Checks the spelling of a model-supplied path, touching no file: refuses absolute paths, `..` segments, NUL bytes,
 * empty and over-long paths. Where it leads is decided by opening it one name at a time (open-beneath.ts).
 */
export function parseWorkspacePath(relPath: unknown): WorkspacePath | { ok: false; error: string } {
  const syntax = normalizeRelativePath(relPath);
  if (!syntax.ok) return syntax;
  return { ok: true, relative: syntax.relative, parts: splitRelative(syntax.relative) };
}

/**
 * Lists the workspace for the schema view: directories up to {@link MAX_LIST_DEPTH} levels deep and the regular
 * files directly in them (so every listed directory's files are listed too), breadth first, at most `maxEntries`
 * per list. Leaves out symlinks, FIFOs, sockets, devices, hidden names (starting with ".", such as `.git` and the
 * write tools' temp files) and names with control characters.
 * Throws only when the workspace dir itself cannot be read.
 */
export async function listWorkspace(
  workspaceDir: string,
  { maxEntries }: { maxEntries: number },
): Promise<WorkspaceListing> {
  const root = await openWorkspaceRoot(workspaceDir);
  const listing: WorkspaceListing = { files: [], dirs: ["."], truncated: false, unreadable: [] };
  try {
    let level = ["."];
    for (let depth = 0; level.length > 0; depth++) {
      const next: string[] = [];
      // Each directory is reached from the root by plain names, so one swapped for a link meanwhile is not read.
      const reads = await mapLimited(level, LIST_CONCURRENCY, (dir) => readDirBeneath(root, dir));
      for (const [index, read] of reads.entries()) {
        const dir = level[index] as string;
        if (!read.ok) {
          if (dir === ".") throw new Error(`cannot list the workspace ${workspaceDir}: ${read.error}`);
          listing.unreadable.push(read.error);
          continue;
        }
        next.push(...addEntries(listing, dir, read.entries, { depth, maxEntries }));
      }
      level = next;
    }
  } finally {
    await root.close();
  }
  return listing;
}

/** Adds one directory's listable entries to `listing`, sorted by name; returns its subdirectories to list next. */
function addEntries(
  listing: WorkspaceListing,
  dir: string,
  entries: Dirent[],
  limits: { depth: number; maxEntries: number },
): string[] {
  const { depth, maxEntries } = limits;
  const next: string[] = [];
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (!isListableName(entry.name)) continue;
    const relative = dir === "." ? entry.name : `${dir}/${entry.name}`;
    if (relative.length > MAX_PATH_CHARS) continue;
    if (entry.isDirectory()) {
      if (depth + 1 > MAX_LIST_DEPTH) continue;
      if (listing.dirs.length >= maxEntries) listing.truncated = true;
      else {
        listing.dirs.push(relative);
        next.push(relative);
      }
    } else if (entry.isFile()) {
      if (listing.files.length >= maxEntries) listing.truncated = true;
      else listing.files.push(relative);
    }
  }
  return next;
}

/** Syntax checks that need no filesystem; returns the normalized POSIX relative path. */
function normalizeRelativePath(relPath: unknown): { ok: true; relative: string } | { ok: false; error: string } {
  if (typeof relPath !== "string") return refuse("path must be a string");
  if (relPath.length === 0) return refuse("path is empty");
  if (relPath.length > MAX_PATH_CHARS) return refuse(`path is longer than ${MAX_PATH_CHARS} characters`);
  if (relPath.includes("\0")) return refuse("path contains a NUL byte");
  if (path.isAbsolute(relPath) || relPath.startsWith("\\")) {
    return refuse(`${relPath} is absolute; use a path relative to the workspace`);
  }
  // Backslashes are ordinary file name characters on POSIX, but some tools treat them as separators.
  if (relPath.split(/[\\/]/).includes("..")) return refuse(`${relPath} contains "..", which is not allowed`);
  const relative = path.posix.normalize(relPath).replace(/\/+$/, "");
  return { ok: true, relative: relative === "" ? "." : relative };
}

/** Whether `target` is `root` or lies below it (both absolute, `root` real). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** Hidden names and names with control characters stay out of the enums the model chooses from. */
function isListableName(name: string): boolean {
  if (name.startsWith(".")) return false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

function refuse(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
