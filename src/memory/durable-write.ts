// Crash-safe file writes: temp file → fsync → rename → fsync dir. A reader sees the old file or the new one, never a mix.
import { randomBytes } from "node:crypto";
import { constants, writeSync } from "node:fs";
import { open, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** Suffix of the temp files this module writes; watchers must ignore it. */
export const TEMP_SUFFIX = ".tmp";

/**
 * Test hook of the reliability suite's crash-points property: with `APPRENTICE_CRASH_POINT=N` in the environment, the
 * process kills itself with SIGKILL at the Nth write boundary it reaches (between writing, fsyncing and renaming a file,
 * or in the middle of an append), naming the boundary on stderr first. `beforeDeath` can leave a torn write behind.
 * Without the variable this is one comparison.
 */
export function crashPoint(label: string, beforeDeath?: () => void): void {
  if (CRASH_AT === 0) return;
  boundariesReached += 1;
  if (boundariesReached !== CRASH_AT) return;
  beforeDeath?.();
  writeSync(2, `apprentice: crash point ${CRASH_AT}: ${label}\n`);
  process.kill(process.pid, "SIGKILL");
}

/** The {@link crashPoint} before an append of `data` to the open file `fd`: a crash there leaves half of it written. */
export function crashPointInsideAppend(label: string, fd: number, data: string): void {
  crashPoint(label, () => writeSync(fd, data.slice(0, Math.ceil(data.length / 2))));
}

const CRASH_AT = Number.parseInt(process.env.APPRENTICE_CRASH_POINT ?? "", 10) || 0;
let boundariesReached = 0;

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
 * The temp file sits beside the target (same filesystem, so rename is atomic) and is removed on failure. `mode` is the
 * new file's permission bits (before the umask). Defaults to `0o644`.
 */
export async function writeFileDurably(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  await renameSyncedTemp(tempPathBeside(file), file, data, { name: path.basename(file), mode: options.mode ?? 0o644 });
  await fsyncDir(path.dirname(file));
}

/**
 * The durable replacement's steps up to the directory's fsync, which the caller makes (through a path or an open
 * directory): `data` written to the new file `temp` (O_EXCL|O_NOFOLLOW, so nothing there already is written through),
 * fsynced, then renamed over `target`; the temp file is removed on failure. `name` labels the crash points.
 */
export async function renameSyncedTemp(
  temp: string,
  target: string,
  data: string | Uint8Array,
  options: { name: string; mode: number },
): Promise<void> {
  const { name } = options;
  const handle = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    options.mode,
  );
  try {
    await handle.writeFile(data);
    crashPoint(`${name}: temp file written, not synced`);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  crashPoint(`${name}: temp file synced, not renamed`);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  crashPoint(`${name}: renamed, directory not synced`);
}

/**
 * Replaces `file` with `data` atomically but without fsyncs: for views derived from durable state (lessons.md), which
 * the next change renders again. A reader still sees the old file or the new one; after a power cut it may be the old
 * one. On an SD card this saves two flushes of a file of hundreds of KB per cycle that changes a lesson.
 */
export async function replaceFile(file: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathBeside(file);
  try {
    await writeFile(temp, data, { flag: "wx", mode: 0o644 });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A hidden temp file beside `file` (same filesystem, so a rename onto `file` is atomic), unique per call. */
function tempPathBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`);
}

/**
 * The file that `temp` was written to replace, when `temp` is named as {@link writeFileDurably} and
 * {@link replaceFile} name their temp files (`.<name>.<8 hex digits>.tmp`); `undefined` for any other path. An error
 * message names the file the operator knows, not the temp file.
 */
export function targetOfTempPath(temp: string): string | undefined {
  const match = /^\.(.+)\.[0-9a-f]{8}\.tmp$/.exec(path.basename(temp));
  return match === null ? undefined : path.join(path.dirname(temp), match[1] as string);
}

/** Appends `data` to `file` (created if missing) and fsyncs it before returning. */
export async function appendFileDurably(file: string, data: string): Promise<void> {
  const handle = await open(file, "a", 0o644);
  try {
    crashPointInsideAppend(`${path.basename(file)}: half an append`, handle.fd, data);
    await handle.appendFile(data);
    crashPoint(`${path.basename(file)}: appended, not synced`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
