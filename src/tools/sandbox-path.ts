// Turns model-supplied paths into workspace paths; invariant: an `ok` result's real path lies inside the real workspace dir.
import type { Stats } from "node:fs";
import { lstat, mkdir, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";

/** Longest workspace-relative path accepted, in characters. */
export const MAX_PATH_CHARS = 256;

/** How deep {@link listWorkspace} looks: directories up to this many levels below the workspace root, and their files. */
export const MAX_LIST_DEPTH = 4;

/** What {@link resolveInWorkspace} must check besides containment. */
export interface ResolveOptions {
  /** Refuse when the target does not exist. Defaults to `false`. */
  mustExist?: boolean;
  /** The caller will write the target: refuse a symlink and a file with more than one hard link. Defaults to `false`. */
  forWrite?: boolean;
  /** What an existing target must be: a regular file or a directory. Defaults to `"file"`. */
  kind?: "file" | "dir";
}

/** A checked path, or the one-line reason it was refused. */
export type ResolvedPath =
  | {
      ok: true;
      /** Real absolute path (for a new entry: its real nearest existing ancestor joined with the rest). */
      absolute: string;
      /** The same path relative to the real workspace dir, POSIX separators, "." for the root. */
      relative: string;
      /** Whether the target existed when checked. */
      exists: boolean;
    }
  | { ok: false; error: string };

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
 * Checks a model-supplied path and resolves it inside `workspaceDir`.
 * Refuses absolute paths, `..` segments, NUL bytes, empty or over-long paths, anything whose real path leaves
 * the workspace (symlinks, `/proc/self/root`), and targets that are not of the expected `kind` (FIFOs, sockets,
 * devices). With `forWrite`, also refuses an existing symlink target and a file with more than one hard link.
 * Throws only when the workspace dir itself cannot be resolved (a broken invariant).
 */
export async function resolveInWorkspace(
  workspaceDir: string,
  relPath: unknown,
  options: ResolveOptions = {},
): Promise<ResolvedPath> {
  const syntax = normalizeRelativePath(relPath);
  if (!syntax.ok) return syntax;
  const shown = syntax.relative;
  const root = await realpath(workspaceDir);
  const candidate = path.join(root, shown);

  let link: Stats;
  try {
    link = await lstat(candidate);
  } catch (error) {
    if (readErrnoCode(error) === "ENOENT") return resolveMissing(root, candidate, shown, options);
    return refuse(`${shown}: ${describeFsError(error)}`);
  }
  if (options.forWrite && link.isSymbolicLink()) {
    return refuse(`${shown} is a symbolic link; writing through links is not allowed`);
  }

  let real: string;
  let target: Stats;
  try {
    real = await realpath(candidate);
    target = link.isSymbolicLink() ? await stat(real) : link;
  } catch (error) {
    if (readErrnoCode(error) === "ENOENT") return refuse(`${shown} is a dangling symbolic link`);
    return refuse(`${shown}: ${describeFsError(error)}`);
  }
  if (!isInside(root, real)) return refuse(`${shown} resolves outside the workspace`);

  const kind = options.kind ?? "file";
  if (kind === "file" && !target.isFile()) return refuse(`${shown} is ${describeFileKind(target)}, not a regular file`);
  if (kind === "dir" && !target.isDirectory()) return refuse(`${shown} is ${describeFileKind(target)}, not a directory`);
  if (options.forWrite && target.nlink > 1) {
    return refuse(`${shown} has ${target.nlink} hard links; writing it could change a file outside the workspace`);
  }
  return { ok: true, absolute: real, relative: toWorkspaceRelative(root, real), exists: true };
}

/**
 * Checks a path for writing, creates its missing parent directories, and checks it again:
 * the second check sees the directories as they now are, so nothing created in between can redirect the write.
 */
export async function prepareWriteTarget(
  workspaceDir: string,
  relPath: unknown,
): Promise<{ ok: true; absolute: string; relative: string } | { ok: false; error: string }> {
  const first = await resolveInWorkspace(workspaceDir, relPath, { forWrite: true });
  if (!first.ok) return first;
  if (!first.exists) {
    try {
      await mkdir(path.dirname(first.absolute), { recursive: true });
    } catch (error) {
      return { ok: false, error: `cannot create the folders for ${first.relative}: ${describeFsError(error)}` };
    }
  }
  const second = await resolveInWorkspace(workspaceDir, relPath, { forWrite: true });
  if (!second.ok) return second;
  return { ok: true, absolute: second.absolute, relative: second.relative };
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
  const root = await realpath(workspaceDir);
  const listing: WorkspaceListing = { files: [], dirs: ["."], truncated: false, unreadable: [] };
  let level = ["."];
  for (let depth = 0; level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = await readdir(path.join(root, dir), { withFileTypes: true });
      } catch (error) {
        if (dir === ".") throw new Error(`cannot list the workspace ${root}`, { cause: error });
        listing.unreadable.push(`${dir}: ${describeFsError(error)}`);
        continue;
      }
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
    }
    level = next;
  }
  return listing;
}

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

/** A target that does not exist yet: its nearest existing ancestor decides where it would land. */
async function resolveMissing(
  root: string,
  candidate: string,
  shown: string,
  options: ResolveOptions,
): Promise<ResolvedPath> {
  if (options.mustExist) return refuse(`${shown} does not exist`);
  const pending = [path.basename(candidate)];
  let ancestor = path.dirname(candidate);
  // `candidate` lies lexically under `root`, which exists, so this walk stops at `root` at the latest.
  while (ancestor !== root) {
    try {
      await lstat(ancestor);
      break;
    } catch (error) {
      if (readErrnoCode(error) !== "ENOENT") return refuse(`${shown}: ${describeFsError(error)}`);
      pending.unshift(path.basename(ancestor));
      ancestor = path.dirname(ancestor);
    }
  }
  let realAncestor: string;
  let ancestorStats: Stats;
  try {
    realAncestor = await realpath(ancestor);
    ancestorStats = await stat(realAncestor);
  } catch (error) {
    if (readErrnoCode(error) === "ENOENT") return refuse(`${shown}: a parent is a dangling symbolic link`);
    return refuse(`${shown}: ${describeFsError(error)}`);
  }
  if (!isInside(root, realAncestor)) return refuse(`${shown} resolves outside the workspace`);
  if (!ancestorStats.isDirectory()) {
    return refuse(`${shown}: ${toWorkspaceRelative(root, realAncestor)} is not a directory`);
  }
  const absolute = path.join(realAncestor, ...pending);
  return { ok: true, absolute, relative: toWorkspaceRelative(root, absolute), exists: false };
}

/** Whether `target` is `root` or lies below it (both absolute, `root` real). */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function toWorkspaceRelative(root: string, target: string): string {
  const relative = path.relative(root, target);
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

function describeFileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFile()) return "a regular file";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSymbolicLink()) return "a symbolic link";
  return "a special file";
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
