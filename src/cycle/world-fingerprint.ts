// Fingerprints the world an action meets: the workspace's files (name, size, content hash) and, for `run`, the resolved program.
import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { listWorkspace } from "../tools/sandbox-path.js";

/** Files up to this size are hashed by content; larger ones by size and mtime, to stay cheap on an SD card. */
const HASH_MAX_BYTES = 64 * 1024;
/** Workspace entries fingerprinted; a larger workspace is fingerprinted by its first ones. */
const MAX_ENTRIES = 256;

/**
 * A short hash of the workspace as an action would find it.
 * Content rather than mtime for small files: the same bytes rewritten (a reset, a re-run) are the same world, which
 * is what "the world is unchanged" means for masking. Large files fall back to size + mtime.
 */
export async function fingerprintWorkspace(workspaceDir: string): Promise<string> {
  const listing = await listWorkspace(workspaceDir, { maxEntries: MAX_ENTRIES });
  const hash = createHash("sha256");
  for (const file of listing.files) {
    const full = path.join(workspaceDir, file);
    const info = await stat(full).catch((error: NodeJS.ErrnoException) => {
      // A file removed between listing and stat (a background process) is simply not part of this world.
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (info === undefined) continue;
    hash.update(`${file}\0${info.size}\0`);
    if (info.size <= HASH_MAX_BYTES) hash.update(await readSmallFile(full, info.size));
    else hash.update(String(info.mtimeMs));
    hash.update("\0");
  }
  for (const dir of listing.dirs) hash.update(`dir\0${dir}\0`);
  return hash.digest("hex").slice(0, 16);
}

/** The fingerprint of one action: the workspace's, plus the program a `run` would execute. */
export function fingerprintAction(workspaceFingerprint: string, programPath: string | undefined): string {
  if (programPath === undefined) return workspaceFingerprint;
  return createHash("sha256").update(`${workspaceFingerprint}\0${programPath}`).digest("hex").slice(0, 16);
}

async function readSmallFile(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
