// One writer per state dir: an mkdir lock (proper-lockfile) at <stateDir>/daemon.lock naming its holder; a dead holder's lock is taken over, a live one's never.
import fs from "node:fs";
import { open, readFile, rename, rm, stat, utimes } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import type { Logger } from "../log.js";
import { describeError } from "../text/describe-error.js";
import { describeFileError, readFileErrorFacts } from "../text/describe-file-error.js";

/** Name of the lock directory inside the state dir. */
export const LOCK_DIR_NAME = "daemon.lock";
const OWNER_FILE_NAME = "owner.json";
const BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id";

/**
 * Default time after which a lock that nobody refreshes counts as stale, in ms. Liveness is
 * judged by the holder's pid, so staleness only decides for a lock with no readable
 * owner.json (a crash between creating the lock and writing its owner) or one held from
 * another host. The refresh (one `utimes` every half of it) is the idle daemon's only timer
 * besides the schedule, and each one also wakes the state watcher and dirties an inode on
 * the SD card: at 10 minutes that is 12 wakes an hour, where one minute would make 120.
 */
const DEFAULT_STALE_MS = 600_000;

/** Contents of `<stateDir>/daemon.lock/owner.json`. */
export interface LockOwner {
  version: 1;
  pid: number;
  /** ISO time at which the lock was taken. */
  startedAt: string;
  hostname: string;
  /** Linux boot id; a holder from an earlier boot is dead whatever its pid. */
  bootId?: string;
  /** The model file the holder was given with `--model` (absolute), which config.json does not show. */
  model?: string;
}

/** The holder of a state dir's lock, for `status`. */
export interface LockHolder {
  pid: number;
  startedAt: string;
  hostname: string;
  /** See {@link LockOwner.model}. */
  model?: string;
  /** Whether the holder still runs: its pid on this host, its lock's freshness on another. */
  alive: boolean;
}

/** Outcome of {@link acquireStateLock}; refusals are data, not throws. */
export type StateLockResult =
  | { ok: true; release(): Promise<void> }
  | {
      ok: false;
      /** `held`: a live holder; `unknown-holder`: a fresh lock with no readable owner; `error`: the lock could not be tried. */
      reason: "held" | "unknown-holder" | "error";
      holderPid?: number;
      holderStartedAt?: string;
      message: string;
    };

/** Options of {@link acquireStateLock}. */
export interface AcquireStateLockOptions {
  logger: Logger;
  /** Called (after logging) when the lock was lost while held, e.g. its dir was removed. Must not rely on throwing. */
  onCompromised?: (error: Error) => void;
  /** See {@link DEFAULT_STALE_MS}. Defaults to 60 000 ms; proper-lockfile's minimum is 2 000. */
  staleMs?: number;
  /** Defaults to the system clock. */
  clock?: () => Date;
  /** A model file given on the command line, recorded in owner.json for `status`. */
  model?: string;
}

/** Locks held by this process: lock dir → owner record. */
const heldLocks = new Map<string, LockOwner>();

/**
 * The fs that proper-lockfile uses. Its `rmdir` (release, and the `rmdirSync` it runs on
 * process exit) would fail with ENOTEMPTY because owner.json sits in the lock dir, so these
 * remove owner.json first, but only in a lock this process holds: another process's
 * mtime-based takeover of a live holder's lock thus fails, and {@link acquireStateLock}
 * judges by pid instead.
 */
const lockFs = {
  ...fs,
  rmdir(lockDir: string, callback: (error: NodeJS.ErrnoException | null) => void): void {
    const removeOwner = heldLocks.has(lockDir)
      ? rm(path.join(lockDir, OWNER_FILE_NAME), { force: true })
      : Promise.resolve();
    removeOwner.then(
      () => fs.rmdir(lockDir, callback),
      (error: NodeJS.ErrnoException) => callback(error),
    );
  },
  rmdirSync(lockDir: string): void {
    if (heldLocks.has(lockDir)) fs.rmSync(path.join(lockDir, OWNER_FILE_NAME), { force: true });
    fs.rmdirSync(lockDir);
  },
};

/**
 * Takes the state dir's single-writer lock and records this process in owner.json.
 *
 * If the lock is held: a holder whose pid no longer runs on this host (kill -9, power loss,
 * a reboot) is logged, its lock removed, and the lock tried once more; a live holder yields
 * `ok: false` with a message naming its pid. The returned `release()` removes the lock; on
 * a normal process exit proper-lockfile removes it too.
 */
export async function acquireStateLock(stateDir: string, options: AcquireStateLockOptions): Promise<StateLockResult> {
  const root = path.resolve(stateDir);
  const lockDir = path.join(root, LOCK_DIR_NAME);
  const held = heldLocks.get(lockDir);
  if (held) {
    return refuse(held, `this process (pid ${held.pid}) already holds ${root}`);
  }
  const first = await tryLock(root, lockDir, options);
  if (first.status !== "held") return first.result;
  try {
    return await takeOverIfStale(root, lockDir, options);
  } catch (error) {
    return {
      ok: false,
      reason: "error",
      message: `cannot judge the lock on ${root}: ${describeError(error, { allLines: true })}`,
    };
  }
}

async function takeOverIfStale(
  root: string,
  lockDir: string,
  options: AcquireStateLockOptions,
): Promise<StateLockResult> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const holder = await inspectHolder(lockDir, staleMs);
  if (holder.verdict === "alive") return refuseLive(root, holder.owner);
  if (holder.verdict === "unknown") {
    return {
      ok: false,
      reason: "unknown-holder",
      message: `${root} is locked (${holder.why}); if no apprentice runs, the lock counts as stale in ${describeWait(holder.staleInMs)} (retry then), or remove ${lockDir} once you are sure none runs`,
    };
  }
  if (holder.verdict === "dead") {
    const who = holder.owner ? `pid ${holder.owner.pid}, since ${holder.owner.startedAt}` : "unknown holder";
    options.logger.warn(`state lock ${lockDir} (${who}) is stale: ${holder.why}; taking it over`);
    const removal = await removeStaleLock(lockDir, holder.owner);
    if (!removal.ok) return { ok: false, reason: "error", message: removal.message };
  }
  // Retried once: a second refusal means another process took the lock meanwhile.
  const second = await tryLock(root, lockDir, options);
  if (second.status !== "held") return second.result;
  const racer = await inspectHolder(lockDir, staleMs);
  if (racer.verdict === "alive") return refuseLive(root, racer.owner);
  return {
    ok: false,
    reason: "unknown-holder",
    message: `${root} was locked by another process while its lock was being taken over`,
  };
}

/** Who holds the state dir's lock, or `undefined` when it is not locked or its owner is unreadable. */
export async function readLockHolder(stateDir: string, staleMs = DEFAULT_STALE_MS): Promise<LockHolder | undefined> {
  const lockDir = path.join(path.resolve(stateDir), LOCK_DIR_NAME);
  const holder = await inspectHolder(lockDir, staleMs);
  if (!holder.owner) return undefined;
  const { pid, startedAt, hostname, model } = holder.owner;
  return {
    pid,
    startedAt,
    hostname,
    ...(typeof model === "string" ? { model } : {}),
    alive: holder.verdict === "alive",
  };
}

type TryLockOutcome =
  { status: "acquired"; result: StateLockResult } | { status: "held" } | { status: "failed"; result: StateLockResult };

async function tryLock(root: string, lockDir: string, options: AcquireStateLockOptions): Promise<TryLockOutcome> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const bootId = await readBootIdIfAny();
  let releaseLibraryLock: () => Promise<void>;
  try {
    releaseLibraryLock = await lockfile.lock(root, {
      lockfilePath: lockDir,
      realpath: false,
      stale: staleMs,
      update: staleMs / 2,
      retries: 0,
      fs: lockFs,
      onCompromised: (error) => handleCompromise(lockDir, error, options),
    });
  } catch (error) {
    const code = errorCode(error);
    // ENOTEMPTY: proper-lockfile judged the lock stale by mtime but cannot rmdir a foreign owner.json.
    if (code === "ELOCKED" || code === "ENOTEMPTY") return { status: "held" };
    return {
      status: "failed",
      result: {
        ok: false,
        reason: "error",
        message: `cannot lock ${root}: ${describeLockError(error)}`,
      },
    };
  }
  const owner: LockOwner = {
    version: 1,
    pid: process.pid,
    startedAt: (options.clock ?? (() => new Date()))().toISOString(),
    hostname: os.hostname(),
    ...bootId,
    ...(options.model !== undefined ? { model: path.resolve(options.model) } : {}),
  };
  // Registered first, so that releasing after a failed write also removes a partial owner.json.
  heldLocks.set(lockDir, owner);
  try {
    await writeOwnerFile(lockDir, owner);
  } catch (error) {
    await releaseLibraryLock().catch((releaseError: unknown) => {
      options.logger.error(
        `cannot release ${lockDir} after a failed owner write: ${describeError(releaseError, { allLines: true })}`,
      );
    });
    heldLocks.delete(lockDir);
    return {
      status: "failed",
      result: {
        ok: false,
        reason: "error",
        message: `cannot record the owner of ${lockDir}: ${describeError(error, { allLines: true })}`,
      },
    };
  }
  options.logger.debug(`state lock taken: ${lockDir} (pid ${owner.pid})`);
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    try {
      await releaseLibraryLock();
    } catch (error) {
      // Already logged by handleCompromise: the lock was lost before release.
      if (errorCode(error) === "ERELEASED") return;
      throw new Error(`cannot release the state lock ${lockDir}`, { cause: error });
    } finally {
      heldLocks.delete(lockDir);
    }
    options.logger.debug(`state lock released: ${lockDir}`);
  };
  return { status: "acquired", result: { ok: true, release } };
}

/**
 * Writes owner.json durably, then puts back the lock dir's mtime: proper-lockfile remembers
 * the mtime it set and declares the lock compromised at its next refresh (within `staleMs/2`)
 * if the dir's mtime changed, which creating a file in the dir does.
 */
async function writeOwnerFile(lockDir: string, owner: LockOwner): Promise<void> {
  const before = await stat(lockDir);
  const handle = await open(path.join(lockDir, OWNER_FILE_NAME), "w");
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await utimes(lockDir, before.atime, before.mtime);
}

function handleCompromise(lockDir: string, error: Error, options: AcquireStateLockOptions): void {
  // Runs inside proper-lockfile's timer callback: a throw here would crash the process.
  heldLocks.delete(lockDir);
  options.logger.error(
    `state lock ${lockDir} was compromised (${error.message}); another process may write this state dir`,
  );
  try {
    options.onCompromised?.(error);
  } catch (callbackError) {
    options.logger.error(`onCompromised callback threw: ${describeError(callbackError, { allLines: true })}`);
  }
}

type HolderInspection =
  | { verdict: "alive"; owner: LockOwner; why: string }
  | { verdict: "dead"; owner: LockOwner | undefined; why: string }
  | { verdict: "unknown"; owner: undefined; why: string; staleInMs: number }
  | { verdict: "absent"; owner: undefined; why: string };

async function inspectHolder(lockDir: string, staleMs: number): Promise<HolderInspection> {
  let lockStat: fs.Stats;
  try {
    lockStat = await stat(lockDir);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { verdict: "absent", owner: undefined, why: "no lock" };
    throw new Error(`cannot inspect the state lock ${lockDir}`, { cause: error });
  }
  const ageMs = Date.now() - lockStat.mtimeMs;
  const refreshed = ageMs <= staleMs;
  const read = await readOwnerFile(lockDir);
  if (read.status !== "ok") {
    const why = `${read.detail}, lock refreshed ${Math.round(ageMs / 1000)} s ago`;
    return refreshed
      ? { verdict: "unknown", owner: undefined, why, staleInMs: staleMs - ageMs }
      : { verdict: "dead", owner: undefined, why };
  }
  const { owner } = read;
  if (heldLocks.get(lockDir)?.startedAt === owner.startedAt && owner.pid === process.pid) {
    return { verdict: "alive", owner, why: "held by this process" };
  }
  if (owner.hostname !== os.hostname()) {
    const why = `held from host ${owner.hostname}, refreshed ${Math.round(ageMs / 1000)} s ago`;
    return refreshed ? { verdict: "alive", owner, why } : { verdict: "dead", owner, why };
  }
  const { bootId } = await readBootIdIfAny();
  if (owner.bootId !== undefined && bootId !== undefined && owner.bootId !== bootId) {
    return { verdict: "dead", owner, why: "its holder ran before the last reboot" };
  }
  if (owner.pid === process.pid) return { verdict: "dead", owner, why: `its pid ${owner.pid} is now this process` };
  return isProcessAlive(owner.pid)
    ? { verdict: "alive", owner, why: `pid ${owner.pid} is running` }
    : { verdict: "dead", owner, why: `pid ${owner.pid} is not running` };
}

type OwnerRead = { status: "ok"; owner: LockOwner } | { status: "missing" | "invalid"; detail: string };

async function readOwnerFile(lockDir: string): Promise<OwnerRead> {
  let text: string;
  try {
    text = await readFile(path.join(lockDir, OWNER_FILE_NAME), "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { status: "missing", detail: "no owner.json" };
    throw new Error(`cannot read the owner of ${lockDir}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { status: "invalid", detail: `owner.json is not JSON (${describeError(error, { allLines: true })})` };
  }
  if (!isLockOwner(value)) return { status: "invalid", detail: "owner.json lacks pid, startedAt or hostname" };
  return { status: "ok", owner: value };
}

function isLockOwner(value: unknown): value is LockOwner {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record["pid"] === "number" &&
    Number.isInteger(record["pid"]) &&
    record["pid"] > 0 &&
    typeof record["startedAt"] === "string" &&
    typeof record["hostname"] === "string" &&
    (record["bootId"] === undefined || typeof record["bootId"] === "string")
  );
}

/**
 * Moves the stale lock aside before deleting it, and deletes it only if it still names the
 * dead holder: a racer that took the lock meanwhile keeps it (the move is put back).
 */
async function removeStaleLock(
  lockDir: string,
  staleOwner: LockOwner | undefined,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const aside = `${lockDir}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(lockDir, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { ok: true };
    return {
      ok: false,
      message: `cannot move the stale lock ${lockDir} aside: ${describeError(error, { allLines: true })}`,
    };
  }
  const moved = await readOwnerFile(aside);
  const sameOwner =
    moved.status === "ok"
      ? staleOwner !== undefined && moved.owner.pid === staleOwner.pid && moved.owner.startedAt === staleOwner.startedAt
      : staleOwner === undefined;
  if (!sameOwner) {
    try {
      await rename(aside, lockDir);
    } catch (error) {
      return {
        ok: false,
        message: `took a fresh lock by mistake and cannot put it back (${aside}): ${describeError(error, { allLines: true })}`,
      };
    }
    return { ok: false, message: `${lockDir} changed hands while its stale lock was being removed` };
  }
  await rm(aside, { recursive: true, force: true });
  return { ok: true };
}

function refuseLive(root: string, owner: LockOwner): StateLockResult {
  const where = owner.hostname === os.hostname() ? "" : ` on ${owner.hostname}`;
  return refuse(
    owner,
    `another apprentice (pid ${owner.pid}${where}, since ${owner.startedAt}) holds ${root}; stop it first`,
  );
}

function refuse(owner: LockOwner, message: string): StateLockResult {
  return { ok: false, reason: "held", holderPid: owner.pid, holderStartedAt: owner.startedAt, message };
}

/**
 * `process.kill(pid, 0)` probes without signalling: ESRCH means gone, EPERM means alive under another user.
 * A zombie (killed, not yet reaped by its parent) still answers the probe, so /proc is asked too: a restart right
 * after `kill -9` must not be refused by a holder that is already dead.
 */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ESRCH") return false;
    if (code === "EPERM") return true;
    throw new Error(`cannot probe pid ${pid}`, { cause: error });
  }
}

/** True when /proc says `pid` has exited and waits to be reaped (state Z or X); false where /proc is absent. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ESRCH") return false;
    throw new Error(`cannot read /proc/${pid}/stat`, { cause: error });
  }
  // The command name sits in parentheses and may itself contain spaces or ")": the state follows the last ")".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}

/** The Linux boot id as a spreadable field; `{}` where the platform has none. */
async function readBootIdIfAny(): Promise<{ bootId?: string }> {
  try {
    return { bootId: (await readFile(BOOT_ID_PATH, "utf8")).trim() };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "EACCES" || code === "EPERM") return {};
    throw new Error(`cannot read ${BOOT_ID_PATH}`, { cause: error });
  }
}

/** Why the lock could not be taken: in words for a file error the operator fixes (a read-only mount), else the message. */
function describeLockError(error: unknown): string {
  const facts = readFileErrorFacts(error);
  return facts === undefined ? describeError(error, { allLines: true }) : describeFileError(facts);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === "string" ? code : undefined;
}

/** A wait as people say it: "40 s" under two minutes, else whole minutes rounded up ("9 min"). */
function describeWait(ms: number): string {
  return ms < 120_000 ? `${Math.max(1, Math.ceil(ms / 1000))} s` : `${Math.ceil(ms / 60_000)} min`;
}
