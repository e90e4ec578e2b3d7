// The operator channel `operator/`: a request in it is believed only when the OS vouches for its writer (a real folder
// and regular files owned by this process's user, writable by nobody else, in a state dir nobody else can write); the
// folder and each file are judged on open descriptors, so nothing can be swapped between the check and the read.
import { constants, type Stats } from "node:fs";
import { lstat, mkdir, open, readdir, rename, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { toOneLine } from "../text/safe-text.js";
import { fsyncDir, TEMP_SUFFIX } from "./durable-write.js";
import type { StatePaths } from "./state-paths.js";
import { describeUid } from "./user-names.js";

/** `apprentice teach` while a daemon runs: the file holds the lesson's text. */
export const OPERATOR_LESSON_SUFFIX = ".lesson.md";
/** `apprentice lessons pin|retire|forget` while a daemon runs: the file holds one JSON request. */
export const OPERATOR_OP_SUFFIX = ".lesson-op.json";
/** Largest request file read, in bytes; a bigger one is refused whole, never cut. */
export const MAX_OPERATOR_REQUEST_BYTES = 16_384;
/** Mode bits that let someone other than the owner write: group and others. */
const WRITABLE_BY_OTHERS = 0o022;

/** Why the folder cannot be trusted, what the operator is told, and how to fix it. */
export interface OperatorDirRefusal {
  ok: false;
  problem:
    | "missing"
    | "symlink"
    | "not-a-directory"
    | "foreign-owner"
    | "open-to-others"
    | "state-dir-open-to-others"
    | "unreadable";
  /** One line naming the folder and what is wrong with it. */
  detail: string;
  /** One line saying what to run. */
  fix: string;
  /** The folder's owner, for `foreign-owner`. */
  ownerUid?: number;
}

/** One request the channel vouches for. */
export interface OperatorRequest {
  /** File name inside operator/. */
  file: string;
  kind: "lesson" | "lesson-op";
  text: string;
}

/** A file in operator/ that is not believed, and why (owner, mode, links, type, name or size). */
export interface RefusedOperatorFile {
  file: string;
  reason: string;
}

export type OperatorRead =
  | { status: "read"; requests: OperatorRequest[]; refused: RefusedOperatorFile[] }
  | { status: "missing" }
  | { status: "unusable"; refusal: OperatorDirRefusal };

/** This process's effective uid, or undefined where the platform has none (then nothing in operator/ is believed). */
export function currentEuid(): number | undefined {
  return process.geteuid?.();
}

/**
 * Opens operator/ when it can be trusted by a process running as `euid`: a directory (not a symlink, opened with
 * O_NOFOLLOW), owned by `euid`, without group or other write permission, inside a state dir without them either
 * (whoever can write the state dir could rename another folder of this user, `workspace/` say, to `operator/`).
 * Root is not special: under the unit's PrivateUsers=yes it would show up as nobody. The caller closes the handle.
 */
export async function openOperatorDir(
  paths: Pick<StatePaths, "root" | "operator">,
  euid: number | undefined,
): Promise<{ ok: true; handle: FileHandle } | OperatorDirRefusal> {
  const dir = toOneLine(paths.operator);
  let handle: FileHandle;
  try {
    handle = await open(paths.operator, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    // O_NOFOLLOW|O_DIRECTORY fails on a symlink with ENOTDIR (or ELOOP); lstat only names what was found.
    const isLink = await lstat(paths.operator).then(
      (info) => info.isSymbolicLink(),
      () => false,
    );
    return describeOpenError(error, dir, isLink);
  }
  try {
    const refusal = await judgeFolders(await handle.stat(), await stat(paths.root), paths, euid);
    if (refusal === undefined) return { ok: true, handle };
    await handle.close();
    return refusal;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** {@link openOperatorDir} for callers that only need the verdict (the CLI before it writes, `doctor`). */
export async function judgeOperatorDir(
  paths: Pick<StatePaths, "root" | "operator">,
  euid: number | undefined,
): Promise<{ ok: true } | OperatorDirRefusal> {
  const opened = await openOperatorDir(paths, euid);
  if (!opened.ok) return opened;
  await opened.handle.close();
  return { ok: true };
}

function describeOpenError(error: unknown, dir: string, isLink: boolean): OperatorDirRefusal {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" && !isLink)
    return {
      ok: false,
      problem: "missing",
      detail: `${dir} does not exist`,
      fix: `a daemon or \`apprentice once\` creates it at start; or run, as the daemon's user: mkdir -m 700 ${dir}`,
    };
  if (isLink || code === "ELOOP")
    return {
      ok: false,
      problem: "symlink",
      detail: `${dir} is a symlink, not a folder`,
      fix: `replace it with a real folder, as the daemon's user: rm ${dir} && mkdir -m 700 ${dir}`,
    };
  if (code === "ENOTDIR")
    return {
      ok: false,
      problem: "not-a-directory",
      detail: `${dir} is not a folder`,
      fix: `move it away and create the folder, as the daemon's user: mkdir -m 700 ${dir}`,
    };
  if (code === "EACCES" || code === "EPERM")
    return {
      ok: false,
      problem: "unreadable",
      detail: `${dir} cannot be opened by this user (${code})`,
      fix: `run this as the user the daemon runs as`,
    };
  throw error;
}

async function judgeFolders(
  info: Stats,
  rootInfo: Stats,
  paths: Pick<StatePaths, "root" | "operator">,
  euid: number | undefined,
): Promise<OperatorDirRefusal | undefined> {
  const dir = toOneLine(paths.operator);
  const root = toOneLine(paths.root);
  if (euid === undefined)
    return {
      ok: false,
      problem: "foreign-owner",
      detail: "this platform reports no user id, so no file can be vouched for",
      fix: "run Apprentice on Linux",
    };
  if (info.uid !== euid) {
    return {
      ok: false,
      problem: "foreign-owner",
      detail: `${dir} belongs to ${await describeUid(info.uid)}, not to this process's ${await describeUid(euid)}`,
      fix: `run the daemon and the operator's commands as its owner, or (as root) chown ${euid} ${dir}`,
      ownerUid: info.uid,
    };
  }
  if ((info.mode & WRITABLE_BY_OTHERS) !== 0) {
    return {
      ok: false,
      problem: "open-to-others",
      detail: `${dir} is writable by its group or others (mode ${formatMode(info.mode)})`,
      fix: `chmod 700 ${dir}`,
    };
  }
  if ((rootInfo.mode & WRITABLE_BY_OTHERS) !== 0) {
    return {
      ok: false,
      problem: "state-dir-open-to-others",
      detail: `the state dir ${root} is writable by its group or others (mode ${formatMode(rootInfo.mode)}), so they could put another folder in operator/'s place`,
      fix: `chmod go-w ${root} (let a mail or chat bridge write inbox/ only)`,
    };
  }
  return undefined;
}

/** `0755`: the permission bits of `mode` in octal. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

/**
 * Reads every request waiting in operator/, oldest name first, when the folder can be trusted (see
 * {@link openOperatorDir}); the files it cannot vouch for are listed as refused with their reason. Dotfiles and temp
 * files are passed over (the CLI's write in progress; the `.processed` and `.refused` folders).
 */
export async function readOperatorRequests(
  paths: Pick<StatePaths, "root" | "operator">,
  euid: number | undefined,
): Promise<OperatorRead> {
  const opened = await openOperatorDir(paths, euid);
  if (!opened.ok) return opened.problem === "missing" ? { status: "missing" } : { status: "unusable", refusal: opened };
  const { handle } = opened;
  try {
    // Through the open descriptor: the folder judged is the folder read, whatever is renamed meanwhile.
    const base = `/proc/self/fd/${handle.fd}`;
    const viaFd = await readdir(base).then(
      (names) => ({ base, names }),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
        return undefined;
      },
    );
    // Without /proc each file is still judged on its own descriptor; only the folder could be swapped after its check.
    const listing = viaFd ?? { base: paths.operator, names: await readdir(paths.operator) };
    const requests: OperatorRequest[] = [];
    const refused: RefusedOperatorFile[] = [];
    for (const name of listing.names.sort()) {
      if (name.startsWith(".") || name.endsWith(TEMP_SUFFIX)) continue;
      const kind = requestKindOf(name);
      if (kind === undefined) {
        refused.push({
          file: name,
          reason: `not a request name: operator/ takes only *${OPERATOR_LESSON_SUFFIX} (teach) and *${OPERATOR_OP_SUFFIX} (lessons pin|retire|forget)`,
        });
        continue;
      }
      const read = await readRequestFile(path.join(listing.base, name), euid as number);
      if (read.status === "ok") requests.push({ file: name, kind, text: read.text });
      else if (read.status === "refused") refused.push({ file: name, reason: read.reason });
    }
    return { status: "read", requests, refused };
  } finally {
    await handle.close();
  }
}

function requestKindOf(name: string): OperatorRequest["kind"] | undefined {
  if (name.endsWith(OPERATOR_LESSON_SUFFIX) && name.length > OPERATOR_LESSON_SUFFIX.length) return "lesson";
  if (name.endsWith(OPERATOR_OP_SUFFIX) && name.length > OPERATOR_OP_SUFFIX.length) return "lesson-op";
  return undefined;
}

/**
 * Opens one file without following a symlink and without blocking on a FIFO, and judges it by fstat on that very
 * descriptor: a regular file, owned by `euid`, not writable by group or others, with one link (a hard link would let a
 * file written for another purpose speak here), at most {@link MAX_OPERATOR_REQUEST_BYTES}, valid UTF-8 without NUL.
 */
async function readRequestFile(
  file: string,
  euid: number,
): Promise<{ status: "ok"; text: string } | { status: "refused"; reason: string } | { status: "gone" }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { status: "gone" };
    if (code === "ELOOP") return { status: "refused", reason: "a symlink, not a file" };
    if (code === "EACCES" || code === "EPERM" || code === "ENXIO")
      return { status: "refused", reason: `cannot be opened (${code})` };
    throw error;
  }
  try {
    const info = await handle.stat();
    const refusal = await judgeFile(info, euid);
    if (refusal !== undefined) return { status: "refused", reason: refusal };
    const buffer = Buffer.alloc(MAX_OPERATOR_REQUEST_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_OPERATOR_REQUEST_BYTES)
      return { status: "refused", reason: `larger than ${MAX_OPERATOR_REQUEST_BYTES} bytes` };
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.includes(0)) return { status: "refused", reason: "holds NUL bytes: not text" };
    try {
      return { status: "ok", text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch (error) {
      if (error instanceof TypeError) return { status: "refused", reason: "not valid UTF-8" };
      throw error;
    }
  } finally {
    await handle.close();
  }
}

async function judgeFile(info: Stats, euid: number): Promise<string | undefined> {
  if (!info.isFile())
    return `not a regular file (${info.isDirectory() ? "a folder" : info.isFIFO() ? "a FIFO" : info.isSocket() ? "a socket" : "a device or special file"})`;
  if (info.uid !== euid)
    return `owned by ${await describeUid(info.uid)}, not by the daemon's ${await describeUid(euid)} (mode ${formatMode(info.mode)})`;
  if ((info.mode & WRITABLE_BY_OTHERS) !== 0)
    return `writable by its group or others (mode ${formatMode(info.mode)}); the CLI writes requests 0600`;
  if (info.nlink !== 1) return `has ${info.nlink} hard links, so it is also another file`;
  if (info.size > MAX_OPERATOR_REQUEST_BYTES) return `larger than ${MAX_OPERATOR_REQUEST_BYTES} bytes (${info.size})`;
  return undefined;
}

/**
 * Moves `files` from `fromDir` into `toDir` (created 0700 when missing), each under `prefix` + its name, or with
 * `-2`, `-3`… before the name when that is taken, so nothing kept is ever overwritten; then fsyncs both folders.
 */
export async function moveOperatorFiles(
  fromDir: string,
  toDir: string,
  files: readonly string[],
  prefix: string,
): Promise<void> {
  await moveOperatorFilesAs(fromDir, toDir, await planOperatorMoves(toDir, files, prefix));
}

/** One planned move: `file` in the source folder, and the name it is to have in the destination. */
export interface OperatorMove {
  file: string;
  as: string;
}

/**
 * The names `files` would have in `toDir` under `prefix` (see {@link moveOperatorFiles}), each free now and distinct
 * from the others, without moving anything: so a record can name where a file ends up before it is moved.
 */
export async function planOperatorMoves(
  toDir: string,
  files: readonly string[],
  prefix: string,
): Promise<OperatorMove[]> {
  const planned: OperatorMove[] = [];
  const taken = new Set<string>();
  for (const file of files) {
    const as = await freeName(toDir, prefix, file, taken);
    taken.add(as);
    planned.push({ file, as });
  }
  return planned;
}

/**
 * Moves each planned file from `fromDir` into `toDir` (created 0700 when missing) under its planned name, or under the
 * next free one should that have been taken since (nothing kept is ever overwritten); then fsyncs both folders.
 */
export async function moveOperatorFilesAs(
  fromDir: string,
  toDir: string,
  moves: readonly OperatorMove[],
): Promise<void> {
  if (moves.length === 0) return;
  await mkdir(toDir, { recursive: true, mode: 0o700 });
  for (const { file, as } of moves) {
    const target = (await isTaken(path.join(toDir, as))) ? await freeName(toDir, "", as) : as;
    await rename(path.join(fromDir, file), path.join(toDir, target)).catch((error: NodeJS.ErrnoException) => {
      // Gone since it was read: nothing left to move.
      if (error.code !== "ENOENT") throw error;
    });
  }
  await fsyncDir(toDir);
  await fsyncDir(fromDir);
}

/** The first of `prefix` + `file`, `prefix` + `2-` + `file`, … that exists neither in `dir` nor in `reserved`. */
async function freeName(
  dir: string,
  prefix: string,
  file: string,
  reserved: ReadonlySet<string> = new Set(),
): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const candidate = `${prefix}${attempt === 1 ? "" : `${attempt}-`}${file}`;
    if (!reserved.has(candidate) && !(await isTaken(path.join(dir, candidate)))) return candidate;
  }
}

async function isTaken(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
}

/**
 * Names waiting in operator/ (not hidden or temp files), without judging or reading them: what a daemon checks at
 * start, since its watcher reports only files that arrive after it. A missing or unlistable folder has none.
 */
export async function listWaitingOperator(operatorDir: string): Promise<string[]> {
  const names = await readdir(operatorDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR" || error.code === "EACCES") return [] as string[];
    throw error;
  });
  return names.filter((name) => !name.startsWith(".") && !name.endsWith(TEMP_SUFFIX)).sort();
}
