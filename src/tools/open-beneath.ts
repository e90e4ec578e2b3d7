// Opens workspace entries one plain name at a time, each in the directory opened before it (via /proc/self/fd); invariant: no link in any component is followed, and no FIFO or device is opened.
import { constants, type Dirent, type Stats } from "node:fs";
import { lstat, mkdir, open, readdir, type FileHandle } from "node:fs/promises";
import { describeFileKind, describeFsError, readErrnoCode } from "./fs-error.js";

/**
 * Linux's O_PATH: an fd that names an inode without opening it, so fstat can tell a FIFO or a device from a file
 * before anything opens it (even O_NONBLOCK opens a FIFO, which wakes a writer waiting on it, and opening a device
 * runs its driver). Node does not export it; this is its value on x86, arm, arm64 and riscv, and
 * {@link openWorkspaceRoot} checks that the kernel agrees before any file tool uses it.
 */
const O_PATH = 0o10000000;
/** A directory, never through a link: O_NOFOLLOW makes a symlink fail (ENOTDIR or ELOOP) instead of being followed. */
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** An entry reached: its handle (the caller closes it) and its fstat. */
export interface BeneathFile {
  ok: true;
  handle: FileHandle;
  stats: Stats;
}

/** Why an entry could not be reached: one line for the model, and whether it is because it does not exist. */
export interface BeneathFailure {
  ok: false;
  error: string;
  /** The entry (or a folder on the way to it) does not exist. */
  missing: boolean;
}

/** What a caller will do with a file it opens; it words the refusals. */
export type FilePurpose = "read" | "append" | "write";

let procFdChecked = false;

/**
 * The path of `name` inside the directory open as `dir`. The kernel resolves `/proc/self/fd/N` to that very directory,
 * whatever has been renamed since, so only `name` is looked up, in it. Without `name`, the directory itself.
 */
export function pathBeneath(dir: FileHandle, name?: string): string {
  if (name === undefined) return `/proc/self/fd/${dir.fd}`;
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new Error(`not a plain name: ${JSON.stringify(name)}`);
  }
  return `/proc/self/fd/${dir.fd}/${name}`;
}

/**
 * Opens the workspace root (the operator's configured path, links in it followed) as a directory. The caller closes it.
 * Throws when the workspace cannot be opened, or when /proc/self/fd or O_PATH do not work here: file tools then fail
 * closed, each with that reason, instead of resolving paths some other way.
 */
export async function openWorkspaceRoot(workspaceDir: string): Promise<FileHandle> {
  let root: FileHandle;
  try {
    root = await open(workspaceDir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (error) {
    throw new Error(`cannot open the workspace ${workspaceDir}: ${describeFsError(error)}`, { cause: error });
  }
  if (!procFdChecked) {
    try {
      await checkProcFd(root);
    } catch (error) {
      await root.close();
      throw error;
    }
    procFdChecked = true;
  }
  return root;
}

/** Fails unless `/proc/self/fd/N` leads to the open directory and O_PATH yields an fd that cannot be read. */
async function checkProcFd(root: FileHandle): Promise<void> {
  let probe: FileHandle;
  try {
    probe = await open(pathBeneath(root), O_PATH | constants.O_DIRECTORY);
  } catch (error) {
    const reason = `file tools open paths through /proc/self/fd, which does not work here (is /proc mounted?): ${describeFsError(error)}`;
    throw new Error(reason, { cause: error });
  }
  try {
    await probe.read(Buffer.alloc(1), 0, 1, 0);
    throw new Error(
      "file tools need Linux's O_PATH, and this kernel opened the probe for reading; refusing to run them",
    );
  } catch (error) {
    // EBADF is the answer wanted: an O_PATH fd cannot be read (a directory opened for reading would say EISDIR).
    if (readErrnoCode(error) !== "EBADF") throw error;
  } finally {
    await probe.close();
  }
}

/**
 * Opens the directory `parts` below `root`, one name at a time, never through a link. With `create`, makes each
 * missing directory (mkdir of the plain name in the directory above it, then opens it the same way). `shown` names
 * the whole path in messages. The caller closes the returned handle; `root` stays open.
 */
export async function openDirBeneath(
  root: FileHandle,
  parts: readonly string[],
  shown: string,
  options: { create?: boolean } = {},
): Promise<{ ok: true; handle: FileHandle } | BeneathFailure> {
  // The root itself: a handle of its own (through /proc/self/fd, which leads to the very directory open as `root`).
  if (parts.length === 0)
    return { ok: true, handle: await open(pathBeneath(root), constants.O_RDONLY | constants.O_DIRECTORY) };
  let current: FileHandle | undefined;
  for (let index = 0; index < parts.length; index++) {
    const name = parts[index] as string;
    const parent = current ?? root;
    let next: FileHandle;
    try {
      next = await openChildDir(parent, name, options.create === true);
    } catch (error) {
      const prefix = parts.slice(0, index + 1).join("/");
      const failure = await describeDirFailure(parent, name, prefix === shown ? shown : `${shown}: ${prefix}`, error);
      await current?.close();
      return failure;
    }
    await current?.close();
    current = next;
  }
  return { ok: true, handle: current as FileHandle };
}

/** Opens `name` in `dir` as a directory without following it; with `create`, makes it first when it is missing. */
async function openChildDir(dir: FileHandle, name: string, create: boolean): Promise<FileHandle> {
  try {
    return await open(pathBeneath(dir, name), DIR_FLAGS);
  } catch (error) {
    if (!create || readErrnoCode(error) !== "ENOENT") throw error;
  }
  try {
    await mkdir(pathBeneath(dir, name));
  } catch (error) {
    // Made by someone else in between: the open below checks what it is.
    if (readErrnoCode(error) !== "EEXIST") throw error;
  }
  return await open(pathBeneath(dir, name), DIR_FLAGS);
}

/** A refusal for a directory that could not be opened; lstat only words it (the open already refused). */
async function describeDirFailure(
  dir: FileHandle,
  name: string,
  subject: string,
  error: unknown,
): Promise<BeneathFailure> {
  const code = readErrnoCode(error);
  if (code === "ENOENT") return { ok: false, error: `${subject} does not exist`, missing: true };
  if (code !== "ENOTDIR" && code !== "ELOOP")
    return { ok: false, error: `${subject}: ${describeFsError(error)}`, missing: false };
  let stats: Stats;
  try {
    stats = await lstat(pathBeneath(dir, name));
  } catch (lstatError) {
    return {
      ok: false,
      error: `${subject}: ${describeFsError(error)} (then ${describeFsError(lstatError)})`,
      missing: false,
    };
  }
  if (stats.isSymbolicLink())
    return { ok: false, error: `${subject} is a symbolic link; file tools do not follow links`, missing: false };
  return { ok: false, error: `${subject} is ${describeFileKind(stats)}, not a directory`, missing: false };
}

/**
 * Names `name` in `dir` with an O_PATH fd, without following a link and without opening it, and fstats it: a FIFO,
 * socket, device or symlink is seen for what it is and never opened. The caller closes the handle.
 */
export async function inspectBeneath(
  dir: FileHandle,
  name: string,
  shown: string,
): Promise<BeneathFile | BeneathFailure> {
  let handle: FileHandle;
  try {
    handle = await open(pathBeneath(dir, name), O_PATH | constants.O_NOFOLLOW);
  } catch (error) {
    if (readErrnoCode(error) === "ENOENT") return { ok: false, error: `${shown} does not exist`, missing: true };
    return { ok: false, error: `${shown}: ${describeFsError(error)}`, missing: false };
  }
  return await withStats(handle);
}

/** Opens for real the file an O_PATH handle names (the very same inode, whatever was renamed since). */
export async function reopenFile(pathHandle: FileHandle, flags: number): Promise<FileHandle> {
  return await open(pathBeneath(pathHandle), flags);
}

/** Why an existing entry must not be read or written as a file, or `undefined` when it is a regular file with one link. */
export function refuseNonRegular(stats: Stats, shown: string, purpose: FilePurpose): string | undefined {
  if (stats.isSymbolicLink()) return `${shown} is a symbolic link; file tools do not follow links`;
  if (!stats.isFile()) return `${shown} is ${describeFileKind(stats)}, not a regular file`;
  // A second hard link may be a file outside the workspace that someone linked in.
  if (stats.nlink > 1) {
    const risk =
      purpose === "read"
        ? "reading it could show a file outside the workspace"
        : "writing it could change a file outside the workspace";
    return `${shown} has ${stats.nlink} hard links; ${risk}`;
  }
  return undefined;
}

/**
 * Opens the regular file `name` in `dir` for reading or appending; for appending, creates it (mode 0644) when it is
 * missing, with O_EXCL so that nothing swapped in meanwhile is opened instead. Refuses links, anything but a regular
 * file and a file with more than one hard link, judged on the inode itself. The caller closes the handle.
 */
export async function openFileBeneath(
  dir: FileHandle,
  name: string,
  shown: string,
  purpose: "read" | "append",
): Promise<BeneathFile | BeneathFailure> {
  const found = await inspectBeneath(dir, name, shown);
  if (!found.ok) return found.missing && purpose === "append" ? await createForAppend(dir, name, shown) : found;
  try {
    const refusal = refuseNonRegular(found.stats, shown, purpose);
    if (refusal !== undefined) return { ok: false, error: refusal, missing: false };
    const flags = purpose === "read" ? constants.O_RDONLY : constants.O_WRONLY | constants.O_APPEND;
    return { ok: true, handle: await reopenFile(found.handle, flags), stats: found.stats };
  } finally {
    await found.handle.close();
  }
}

async function createForAppend(dir: FileHandle, name: string, shown: string): Promise<BeneathFile | BeneathFailure> {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let handle: FileHandle;
  try {
    handle = await open(pathBeneath(dir, name), flags, 0o644);
  } catch (error) {
    if (readErrnoCode(error) === "EEXIST") {
      return { ok: false, error: `${shown} appeared while it was being created; try again`, missing: false };
    }
    return { ok: false, error: `${shown}: ${describeFsError(error)}`, missing: false };
  }
  return await withStats(handle);
}

/** The entries of the directory `relative` ("." for the root) below `root`, reached without following any link. */
export async function readDirBeneath(
  root: FileHandle,
  relative: string,
): Promise<{ ok: true; entries: Dirent[] } | BeneathFailure> {
  const opened = await openDirBeneath(root, splitRelative(relative), relative);
  if (!opened.ok) return opened;
  try {
    return { ok: true, entries: await readdir(pathBeneath(opened.handle), { withFileTypes: true }) };
  } catch (error) {
    return { ok: false, error: `cannot list ${relative}: ${describeFsError(error)}`, missing: false };
  } finally {
    await opened.handle.close();
  }
}

/**
 * Opens the workspace root, then the directory `parts` below it, and runs `use` on that directory; closes both after.
 * A directory that cannot be reached comes back as `{ok: false, error}`, and `use` does not run.
 */
export async function withDirBeneath<T>(
  workspaceDir: string,
  parts: readonly string[],
  shown: string,
  options: { create?: boolean },
  use: (dir: FileHandle) => Promise<T>,
): Promise<T | { ok: false; error: string }> {
  const root = await openWorkspaceRoot(workspaceDir);
  let opened: Awaited<ReturnType<typeof openDirBeneath>>;
  try {
    opened = await openDirBeneath(root, parts, shown, options);
  } finally {
    await root.close();
  }
  if (!opened.ok) return { ok: false, error: opened.error };
  try {
    return await use(opened.handle);
  } finally {
    await opened.handle.close();
  }
}

/** The names of a normalized workspace-relative path; none for ".". */
export function splitRelative(relative: string): string[] {
  return relative === "." ? [] : relative.split("/");
}

/** `handle` with its fstat; closes it when fstat fails, so no descriptor is left open. */
async function withStats(handle: FileHandle): Promise<BeneathFile> {
  try {
    return { ok: true, handle, stats: await handle.stat() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
