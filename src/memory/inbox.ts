// Reads messages from inbox/ without trusting them: every regular file is a message whatever its name (never a request), size-capped, decoded leniently; archives them after use.
import { constants, existsSync } from "node:fs";
import { lstat, mkdir, open, readdir, rename, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { fsyncDir, TEMP_SUFFIX } from "./durable-write.js";

/** One message file as the cycle sees it. */
export interface InboxMessage {
  /** File name inside inbox/. */
  file: string;
  text: string;
  /** The file was larger than the cap and was cut. */
  truncated: boolean;
  /** Something about the file that the operator should know (binary content, cut). */
  warnings: string[];
}

export interface InboxOptions {
  /** Bytes read from one message. Defaults to `16384`. */
  maxBytesPerMessage?: number;
  /** Messages taken per cycle; the rest wait for the next one. Defaults to `20`. */
  maxMessages?: number;
}

/**
 * Lists waiting messages, oldest name first. Every regular file is a message, whatever its name: `x.lesson.md` and
 * `x.lesson-op.json` too, since whoever can write inbox/ (a mail or chat bridge, a synced folder) is not the operator;
 * operator requests go through operator/ only. Dotfiles, temp files, directories, symlinks and special files are skipped.
 */
export async function readInbox(
  inboxDir: string,
  options: InboxOptions = {},
): Promise<{ messages: InboxMessage[]; skipped: string[] }> {
  return readInboxFiles(inboxDir, options.maxBytesPerMessage ?? 16_384, options.maxMessages ?? 20);
}

/**
 * Names of the files waiting in the inbox (not hidden or temp files), without reading them: what a daemon that starts
 * checks, since its watcher reports only files that arrive after it.
 */
export async function listWaitingInbox(inboxDir: string): Promise<string[]> {
  const names = await readdir(inboxDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  return names.filter((name) => !name.startsWith(".") && !name.endsWith(TEMP_SUFFIX)).sort();
}

async function readInboxFiles(
  inboxDir: string,
  maxBytes: number,
  maxMessages: number,
): Promise<{ messages: InboxMessage[]; skipped: string[] }> {
  let names: string[];
  try {
    names = (await readdir(inboxDir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { messages: [], skipped: [] };
    throw error;
  }
  const messages: InboxMessage[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    if (messages.length >= maxMessages) break;
    if (name.startsWith(".") || name.endsWith(TEMP_SUFFIX)) continue;
    const read = await readMessage(path.join(inboxDir, name), name, maxBytes);
    if (read.ok) messages.push(read.message);
    else if (read.skipped !== undefined) skipped.push(read.skipped);
  }
  return { messages, skipped };
}

/**
 * Opens a message without following a link and without blocking (O_NOFOLLOW|O_NONBLOCK), then judges what was opened
 * by fstat on its own descriptor (a regular file with one link): whoever writes the inbox can swap a name for a symlink
 * to a file only the daemon may read, or for a FIFO that would block the open forever, between the listing and the
 * open.
 */
async function openMessage(
  full: string,
  name: string,
): Promise<{ ok: true; handle: FileHandle } | { ok: false; skipped?: string }> {
  let handle: FileHandle;
  try {
    handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone since the listing: nothing to read. A symlink: O_NOFOLLOW refuses it with ELOOP. A socket: ENXIO. A file
    // the daemon may not read: whoever made it so cannot stop the cycle by it.
    if (code === "ENOENT") return { ok: false };
    if (code === "ELOOP") return { ok: false, skipped: `${name}: not a regular file (symlink), left alone` };
    if (code === "ENXIO") return { ok: false, skipped: `${name}: not a regular file (special), left alone` };
    if (code === "EACCES" || code === "EPERM")
      return { ok: false, skipped: `${name}: cannot be read (${code}), left alone` };
    throw error;
  }
  const info = await handle.stat();
  // A second hard link could be one of the daemon's own files, linked in where protected_hardlinks is off.
  if (info.isFile() && info.nlink === 1) return { ok: true, handle };
  await handle.close();
  const what = info.isFile()
    ? `a file with ${info.nlink} hard links`
    : `not a regular file (${info.isDirectory() ? "directory" : "special"})`;
  return { ok: false, skipped: `${name}: ${what}, left alone` };
}

async function readMessage(
  full: string,
  name: string,
  maxBytes: number,
): Promise<{ ok: true; message: InboxMessage } | { ok: false; skipped?: string }> {
  const opened = await openMessage(full, name);
  if (!opened.ok) return opened;
  const { handle } = opened;
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes + 1, 0);
    const truncated = bytesRead > maxBytes;
    const bytes = buffer.subarray(0, Math.min(bytesRead, maxBytes));
    const warnings: string[] = [];
    if (truncated) warnings.push(`cut to the first ${maxBytes} bytes`);
    if (bytes.includes(0)) warnings.push("binary content: NUL bytes removed");
    const decoded = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (decoded.includes("\uFFFD")) warnings.push("not valid UTF-8: undecodable bytes replaced");
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
    const text = decoded.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
    return { ok: true, message: { file: name, text, truncated, warnings } };
  } finally {
    await handle.close();
  }
}

/**
 * Moves handled messages into `processedDir` (kept, never deleted), with the cycle number in the name. Whoever can
 * write inbox/ could put a symlink in `.processed`'s place (to operator/, say) and so have the daemon move their files
 * there: the folder is opened with O_NOFOLLOW and the files are moved through that descriptor, and anything but a real
 * folder in its place is first moved aside as `.processed.moved-<ms>`.
 */
export async function archiveInbox(
  inboxDir: string,
  processedDir: string,
  files: readonly string[],
  cycle: number,
): Promise<void> {
  if (files.length === 0) return;
  const handle = await openRealDir(processedDir);
  try {
    // Through the descriptor: the folder opened is the folder written, whatever is renamed meanwhile.
    const base = existsSync("/proc/self/fd") ? `/proc/self/fd/${handle.fd}` : processedDir;
    for (const file of files) {
      await rename(path.join(inboxDir, file), path.join(base, `c${cycle}-${file}`));
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDir(inboxDir);
}

/** Opens `dir` as a real folder, creating it, or moving aside what stands in its place (a symlink, a file) first. */
async function openRealDir(dir: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: not there (or a dangling symlink); ELOOP/ENOTDIR: a symlink or a file in its place.
      if (attempt >= 3 || (code !== "ENOENT" && code !== "ELOOP" && code !== "ENOTDIR"))
        throw new Error(`cannot open ${dir} as a folder`, { cause: error });
      const planted =
        code !== "ENOENT" ||
        (await lstat(dir).then(
          () => true,
          (lstatError: NodeJS.ErrnoException) => {
            if (lstatError.code === "ENOENT") return false;
            throw lstatError;
          },
        ));
      if (planted) await rename(dir, `${dir}.moved-${Date.now()}`);
      await mkdir(dir, { recursive: true });
    }
  }
}
