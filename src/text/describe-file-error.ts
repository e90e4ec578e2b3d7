// One line for a file operation the operator must fix (a read-only disk, a permission, a file where a folder belongs): what was tried on which path, and why it failed, in words.
import path from "node:path";
import { targetOfTempPath } from "../memory/durable-write.js";

/** What Node reported about a failed file operation, and what was found to explain it. */
export interface FileErrorFacts {
  /** The errno code, one of {@link FILE_ERROR_CAUSES}' keys. */
  code: string;
  /** The system call that failed (`open`, `mkdir`, …), when Node names it. */
  syscall?: string;
  /** The path the call was made on, absolute. */
  path: string;
  /** The second path of a rename, copy or link. */
  dest?: string;
  /**
   * The nearest existing folder or file on the way to `path` that explains the failure, when one was looked up: a
   * recursive mkdir on a read-only filesystem fails with ENOENT, and ENOTDIR does not say which part is a file.
   */
  blocker?: { path: string; code: string };
}

/** The causes the operator fixes, in words, by errno code. Any other code is not described here. */
export const FILE_ERROR_CAUSES: Readonly<Record<string, string>> = {
  EROFS: "the filesystem is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a part of the path is a file, not a folder",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EEXIST: "something is already there",
  ENOENT: "no such file or folder",
  EISDIR: "it is a folder, not a file",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many levels of symbolic links",
  EMLINK: "too many links",
  EBUSY: "it is busy (a mount point, or in use)",
  EIO: "an input/output error (a failing disk or SD card: see `dmesg`)",
};

/** How a message names each system call: "cannot <verb> <path>". */
const VERBS: Readonly<Record<string, string>> = {
  open: "open",
  mkdir: "create the folder",
  rmdir: "remove the folder",
  unlink: "remove",
  rename: "rename",
  copyfile: "copy",
  link: "link",
  symlink: "create the link",
  stat: "look up",
  lstat: "look up",
  access: "access",
  scandir: "list the folder",
  opendir: "list the folder",
  read: "read",
  write: "write",
  fsync: "sync",
  chmod: "change the mode of",
  chown: "change the owner of",
  utime: "set the times of",
  realpath: "resolve",
};

/**
 * The facts of `error` when it is a Node file error (an `Error` with a string `code` and `path`) whose code is one of
 * {@link FILE_ERROR_CAUSES}; `undefined` for anything else, which is then not the operator's to fix.
 */
export function readFileErrorFacts(error: unknown): FileErrorFacts | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path: file, dest } = error as NodeJS.ErrnoException & { dest?: unknown };
  if (typeof code !== "string" || typeof file !== "string" || FILE_ERROR_CAUSES[code] === undefined) return undefined;
  return {
    code,
    ...(typeof syscall === "string" ? { syscall } : {}),
    path: path.resolve(file),
    ...(typeof dest === "string" ? { dest: path.resolve(dest) } : {}),
  };
}

/**
 * `cannot <what> <path>: <cause>`, e.g. `cannot create the folder /mnt/sd/state: /mnt/sd is on a read-only
 * filesystem`. A temp file of a durable write is named by the file it was to replace (`cannot write inbox/x.md`).
 */
export function describeFileError(facts: FileErrorFacts): string {
  const cause = FILE_ERROR_CAUSES[facts.code] ?? facts.code;
  return `cannot ${describeAttempt(facts)}: ${facts.blocker === undefined ? cause : describeBlocker(facts.blocker)}`;
}

/** What was tried: the verb and the path, with the second path of a rename or copy. */
function describeAttempt(facts: FileErrorFacts): string {
  const target = targetOfTempPath(facts.path);
  // A durable write's temp file is opened, written and renamed onto its target: all of it is writing the target.
  if (target !== undefined) return `write ${target}`;
  const verb = (facts.syscall !== undefined ? VERBS[facts.syscall] : undefined) ?? facts.syscall ?? "use";
  return facts.dest === undefined ? `${verb} ${facts.path}` : `${verb} ${facts.path} to ${facts.dest}`;
}

function describeBlocker(blocker: { path: string; code: string }): string {
  if (blocker.code === "ENOTDIR") return `${blocker.path} is a file, not a folder`;
  if (blocker.code === "EROFS") return `${blocker.path} is on a read-only filesystem`;
  if (blocker.code === "EACCES" || blocker.code === "EPERM")
    return `${blocker.path} cannot be written by this user (${FILE_ERROR_CAUSES[blocker.code]})`;
  return `${blocker.path}: ${FILE_ERROR_CAUSES[blocker.code] ?? blocker.code}`;
}
