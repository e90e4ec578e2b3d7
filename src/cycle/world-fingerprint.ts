// Fingerprints the world an action meets: workspace files (name, size, content hash) and `run`'s program, with a digest per entry to tell which paths a step changed; invariant: follows no link, opens no FIFO or device.
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { describeFileKind } from "../tools/fs-error.js";
import { mapLimited } from "../tools/map-limited.js";
import { inspectBeneath, openDirBeneath, openWorkspaceRoot, reopenFile, splitRelative } from "../tools/open-beneath.js";
import { listWorkspace } from "../tools/sandbox-path.js";

/** Files up to this size are hashed by content; larger ones by size and mtime, to stay cheap on an SD card. */
const HASH_MAX_BYTES = 64 * 1024;
/** Files read at once: enough to keep libuv's four threads busy, at most this many 64 KB buffers held. */
const HASH_CONCURRENCY = 8;
/** Workspace entries fingerprinted; a larger workspace is fingerprinted by its first ones. */
const MAX_ENTRIES = 256;

/** Paths listed in {@link changedPathsBetween}'s answer at most; a step that changed more has unknown changed paths. */
export const MAX_CHANGED_PATHS = 32;

/** The workspace as one scan saw it. */
export interface WorkspaceScan {
  /** A short hash of the whole workspace (what {@link fingerprintWorkspace} returns). */
  fingerprint: string;
  /**
   * Each listed entry (workspace-relative, "." left out) → a short digest of what it adds to the fingerprint: a file's
   * name, size and content (or mtime), a folder's presence, or a folder that could not be reached.
   */
  entries: ReadonlyMap<string, string>;
  /** Every entry was listed and read: no cap cut the listing and no folder was unreadable. */
  complete: boolean;
}

/**
 * A short hash of the workspace as an action would find it.
 * Content rather than mtime for small files: the same bytes rewritten (a reset, a re-run) are the same world, which
 * is what "the world is unchanged" means for masking. Large files fall back to size + mtime. Each listed file is
 * reached by plain names from the workspace root and fstat'ed through an O_PATH fd before it is opened: a link,
 * FIFO, socket or device swapped in after the listing is hashed as its kind, never followed or opened.
 */
export async function fingerprintWorkspace(workspaceDir: string): Promise<string> {
  return (await scanWorkspace(workspaceDir)).fingerprint;
}

/**
 * Scans the workspace once: its fingerprint (the same value {@link fingerprintWorkspace} gives) and a digest per entry,
 * so two scans tell which paths changed between them. Each file is read once; its bytes feed both hashes.
 */
export async function scanWorkspace(workspaceDir: string): Promise<WorkspaceScan> {
  const listing = await listWorkspace(workspaceDir, { maxEntries: MAX_ENTRIES });
  const hash = createHash("sha256");
  const entries = new Map<string, string>();
  const root = await openWorkspaceRoot(workspaceDir);
  try {
    for (const [dir, files] of groupByDir(listing.files)) {
      const opened = await openDirBeneath(root, splitRelative(dir), dir);
      // A folder swapped for a link or removed since the listing: its files are not part of this world.
      if (!opened.ok) {
        hash.update(`unreachable\0${dir}\0`);
        entries.set(dir, "unreachable");
        continue;
      }
      try {
        // Read several at once (libuv has four threads), fed to the hash in listing order.
        const parts = await mapLimited(files, HASH_CONCURRENCY, (file) => describeFile(opened.handle, file));
        parts.forEach((part, index) => {
          if (part.length === 0) return;
          const entry = createHash("sha256");
          for (const chunk of part) {
            hash.update(chunk);
            entry.update(chunk);
          }
          entries.set(files[index] as string, entry.digest("hex").slice(0, 16));
        });
      } finally {
        await opened.handle.close();
      }
    }
  } finally {
    await root.close();
  }
  for (const dir of listing.dirs) {
    hash.update(`dir\0${dir}\0`);
    if (dir !== "." && !entries.has(dir)) entries.set(dir, "dir");
  }
  return {
    fingerprint: hash.digest("hex").slice(0, 16),
    entries,
    complete: !listing.truncated && listing.unreadable.length === 0,
  };
}

/**
 * The workspace-relative paths added, removed or changed (content, size, kind) between two scans, sorted; `[]` when
 * none. Undefined when that cannot be known exactly: either scan was incomplete, or more than `maxPaths` changed.
 */
export function changedPathsBetween(
  before: WorkspaceScan,
  after: WorkspaceScan,
  maxPaths = MAX_CHANGED_PATHS,
): string[] | undefined {
  if (!before.complete || !after.complete) return undefined;
  if (before.fingerprint === after.fingerprint) return [];
  const changed: string[] = [];
  for (const [entry, digest] of after.entries) if (before.entries.get(entry) !== digest) changed.push(entry);
  for (const entry of before.entries.keys()) if (!after.entries.has(entry)) changed.push(entry);
  if (changed.length > maxPaths) return undefined;
  return changed.sort();
}

/** The fingerprint of one action: the workspace's, plus the program a `run` would execute. */
export function fingerprintAction(workspaceFingerprint: string, programPath: string | undefined): string {
  if (programPath === undefined) return workspaceFingerprint;
  return createHash("sha256").update(`${workspaceFingerprint}\0${programPath}`).digest("hex").slice(0, 16);
}

/** The listed files by folder, in listing order (the listing keeps each folder's files together). */
function groupByDir(files: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const dir = path.posix.dirname(file);
    const group = groups.get(dir);
    if (group === undefined) groups.set(dir, [file]);
    else group.push(file);
  }
  return groups;
}

/**
 * What one file adds to the hash: name, size and content (or mtime) for a regular file, name and kind for anything
 * else, nothing for a file removed since the listing (a background process: not part of this world).
 */
async function describeFile(dir: FileHandle, file: string): Promise<(string | Buffer)[]> {
  const found = await inspectBeneath(dir, path.posix.basename(file), file);
  if (!found.ok) return found.missing ? [] : [`${file}\0unreachable\0`];
  try {
    const { stats } = found;
    if (!stats.isFile()) return [`${file}\0${describeFileKind(stats)}\0`];
    const body = stats.size <= HASH_MAX_BYTES ? await readSmallFile(found.handle, stats.size) : String(stats.mtimeMs);
    return [`${file}\0${stats.size}\0`, body, "\0"];
  } finally {
    await found.handle.close();
  }
}

/** Reads up to `size` bytes of the regular file an O_PATH handle names. */
async function readSmallFile(pathHandle: FileHandle, size: number): Promise<Buffer> {
  const handle = await reopenFile(pathHandle, constants.O_RDONLY);
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
