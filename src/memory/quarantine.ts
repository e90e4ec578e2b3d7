// Moves a corrupt state file aside as `<file>.corrupt-<ts>` so it can be inspected; never deletes or overwrites anything.
import { constants } from "node:fs";
import { copyFile, lstat, open, rename } from "node:fs/promises";
import path from "node:path";
import { fsyncDir } from "./durable-write.js";

/** Formats `date` as an ISO time safe in file names on every filesystem: `2024-05-01T10-20-30-123Z`. */
export function formatFileTimestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, "-");
}

/**
 * Returns the first of `<base>-<ts>`, `<base>-<ts>-1`, `<base>-<ts>-2` … that does not exist yet.
 * Only safe against other writers under the state-dir lock, which the daemon holds.
 */
export async function pickStampedPath(base: string, clock: () => Date): Promise<string> {
  const stamped = `${base}-${formatFileTimestamp(clock())}`;
  for (let suffix = 0; ; suffix += 1) {
    const candidate = suffix === 0 ? stamped : `${stamped}-${suffix}`;
    if (!(await checkPathExists(candidate))) return candidate;
  }
}

async function checkPathExists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/**
 * Renames `file` to `<file>.corrupt-<ts>` (plus `-N` if that name is taken), fsyncs the directory so the move
 * survives a power cut, and returns the new path. `reason` says why, and is carried in the error if the move fails;
 * the caller reports it.
 */
export async function quarantineFile(file: string, reason: string, clock: () => Date): Promise<string> {
  const target = await pickStampedPath(`${file}.corrupt`, clock);
  try {
    await rename(file, target);
  } catch (error) {
    throw new Error(`could not quarantine ${file} (${reason}) as ${target}`, { cause: error });
  }
  await fsyncDir(path.dirname(file));
  return target;
}

/**
 * Copies `file` to `<file>.corrupt-<ts>` (never overwriting; the copy is fsynced with its directory) before the caller
 * repairs the original in place, and returns the copy's path.
 */
export async function copyAside(file: string, clock: () => Date): Promise<string> {
  const target = await pickStampedPath(`${file}.corrupt`, clock);
  await copyFile(file, target, constants.COPYFILE_EXCL);
  const handle = await open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDir(path.dirname(file));
  return target;
}
