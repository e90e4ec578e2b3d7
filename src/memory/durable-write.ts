// Crash-safe file writes: temp file → fsync → rename → fsync dir. A reader sees the old file or the new one, never a mix.
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

/** Suffix of the temp files this module writes; watchers must ignore it. */
export const TEMP_SUFFIX = ".tmp";

/** Fsyncs a directory so that a rename inside it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `data` atomically and durably.
 * The temp file sits beside the target (same filesystem, so rename is atomic) and is removed on failure.
 */
export async function writeFileDurably(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`);
  const handle = await open(temp, "wx", 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dir);
}

/** Appends `data` to `file` (created if missing) and fsyncs it before returning. */
export async function appendFileDurably(file: string, data: string): Promise<void> {
  const handle = await open(file, "a", 0o644);
  try {
    await handle.appendFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
