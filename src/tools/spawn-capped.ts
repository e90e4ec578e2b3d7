// Runs one program in its own process group with a scrubbed env and capped output; invariant: nothing it starts outlives the call.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { describeFsError, readErrnoCode } from "./sandbox-path.js";

/** The only PATH a child sees; `run` also looks programs up in these directories only. */
export const SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";
/** Bytes of stderr kept apart for a one-line error. */
const STDERR_HEAD_BYTES = 512;
/** After the program exits, how long its pipes may stay open (held by a stray descendant) before they are closed. */
const PIPE_DRAIN_MS = 500;
/**
 * The child's `HOME`: a path under which nothing can exist or be created, so no program reads a dotfile the agent
 * wrote (`.curlrc`, `.gitconfig`, `.wgetrc` in a workspace `HOME` would configure them past every argument check).
 */
export const CHILD_HOME = "/dev/null";
/** Carries a per-run token; a descendant that left the process group (`setsid`) still has it and is found by it. */
export const RUN_TOKEN_VARIABLE = "APPRENTICE_RUN";
/** Passes over `/proc` looking for token holders: a second and third catch what forked during the first. */
const SWEEP_ROUNDS = 3;

export interface SpawnCappedOptions {
  /** Working directory. */
  cwd: string;
  /** Wall time before the whole process group is killed. */
  timeoutMs: number;
  /** stdout + stderr kept, in bytes; the rest is read and dropped. */
  maxOutputBytes: number;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /** `argv[0]` for the child. Defaults to `program`. */
  argv0?: string;
}

/** How a run ended. Never thrown: every expected failure is one of these. */
export interface SpawnResult {
  /** `exited`: on its own (any code or signal); `timed-out` / `aborted`: we killed it; `not-started`: spawn failed. */
  ending: "exited" | "timed-out" | "aborted" | "not-started";
  /** Exit code, or `null` when it died by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved in arrival order, at most `maxOutputBytes`. */
  output: Buffer;
  /** True when output past `maxOutputBytes` was dropped. */
  truncated: boolean;
  /** The first bytes of stderr alone, for a one-line error. */
  stderrHead: string;
  /** Problems met while stopping the process group, kept here rather than thrown from a timer. */
  problems: string[];
  /** Why spawning failed, when `ending` is `not-started`. */
  startError?: string;
}

/** The child's whole environment: nothing from the daemon's own environment reaches it except `TZ`. */
export function buildChildEnvironment(runToken: string): Record<string, string> {
  const env: Record<string, string> = { PATH: SAFE_PATH, HOME: CHILD_HOME, LANG: "C.UTF-8", [RUN_TOKEN_VARIABLE]: runToken };
  const timeZone = process.env.TZ;
  if (timeZone !== undefined && timeZone !== "") env.TZ = timeZone;
  return env;
}

/**
 * Spawns `program` (a path; no PATH lookup, no shell) with `args` in its own process group, captures capped output,
 * and kills the group with SIGKILL on timeout, on abort, and once the program exits (stray background children).
 * Once it exits, descendants that left the group (`setsid`) are found by their run token in `/proc/<pid>/environ` and
 * killed too; only one that also replaced its environment (`env -i`) gets past that.
 * Resolves when the program has exited, its pipes are closed and the sweep is done; never rejects for an OS error.
 */
export function spawnCapped(program: string, args: readonly string[], options: SpawnCappedOptions): Promise<SpawnResult> {
  const { timeoutMs, maxOutputBytes, signal } = options;
  return new Promise<SpawnResult>((resolve, reject) => {
    const result: SpawnResult = {
      ending: "exited",
      exitCode: null,
      signal: null,
      output: Buffer.alloc(0),
      truncated: false,
      stderrHead: "",
      problems: [],
    };
    if (signal?.aborted) {
      resolve({ ...result, ending: "aborted" });
      return;
    }
    const chunks: Buffer[] = [];
    let keptBytes = 0;
    const stderrChunks: Buffer[] = [];
    let stderrBytes = 0;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    let sweep: Promise<void> = Promise.resolve();
    const runToken = randomBytes(12).toString("hex");

    let child;
    try {
      child = spawn(program, args, {
        shell: false,
        cwd: options.cwd,
        env: buildChildEnvironment(runToken),
        argv0: options.argv0 ?? program, // multi-call binaries such as busybox dispatch on argv[0]
        detached: true, // its own process group, so one kill reaches every descendant
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      resolve({ ...result, ending: "not-started", startError: describeFsError(error) });
      return;
    }
    const pid = child.pid;

    const killGroup = (): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, "SIGKILL");
      } catch (error) {
        // ESRCH: the group is already gone, which is the goal.
        if (readErrnoCode(error) !== "ESRCH") result.problems.push(`could not kill the process group: ${String(error)}`);
      }
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      signal?.removeEventListener("abort", onAbort);
      result.output = Buffer.concat(chunks);
      result.stderrHead = Buffer.concat(stderrChunks).toString("utf8");
      // The sweep rejects only for a bug, which must surface rather than hang the step.
      sweep.then(() => resolve(result), reject);
    };
    // Past the cap, chunks are still read and dropped: a flooding program never blocks on a full pipe.
    const keep = (chunk: Buffer): void => {
      const room = maxOutputBytes - keptBytes;
      if (chunk.length > room) result.truncated = true;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      keptBytes += part.length;
    };
    const onAbort = (): void => {
      if (result.ending === "exited") result.ending = "aborted";
      killGroup();
    };
    const timer = setTimeout(() => {
      if (result.ending === "exited") result.ending = "timed-out";
      killGroup();
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", keep);
    child.stderr.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (stderrBytes < STDERR_HEAD_BYTES) {
        const part = chunk.subarray(0, STDERR_HEAD_BYTES - stderrBytes);
        stderrChunks.push(part);
        stderrBytes += part.length;
      }
    });
    child.on("error", (error) => {
      if (pid === undefined) {
        result.ending = "not-started";
        result.startError = describeFsError(error);
        settle();
      } else {
        result.problems.push(`process error: ${error.message}`);
      }
    });
    child.on("exit", (code, exitSignal) => {
      result.exitCode = code;
      result.signal = exitSignal;
      // Background descendants would hold the pipes open and outlive the call: end the whole group, then the runaways.
      killGroup();
      sweep = killTokenHolders(runToken, result.problems);
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle();
      }, PIPE_DRAIN_MS);
    });
    child.on("close", settle);
  });
}

/**
 * SIGKILLs every process whose environment carries `runToken`, in up to {@link SWEEP_ROUNDS} passes over `/proc`.
 * Other users' processes are unreadable and skipped (they cannot carry the token). Problems go to `problems`.
 */
async function killTokenHolders(runToken: string, problems: string[]): Promise<void> {
  const needle = Buffer.from(`${RUN_TOKEN_VARIABLE}=${runToken}\0`);
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    let names: string[];
    try {
      names = await readdir("/proc");
    } catch (error) {
      problems.push(`could not look for runaway processes: ${describeFsError(error)}`);
      return;
    }
    const pids = names.filter((name) => /^[0-9]+$/.test(name) && Number(name) !== process.pid).map(Number);
    const holders = pids.filter((pid) => carriesNeedle(pid, needle));
    if (holders.length === 0) return;
    for (const pid of holders) {
      try {
        process.kill(pid, "SIGKILL");
      } catch (error) {
        if (readErrnoCode(error) !== "ESRCH") problems.push(`could not kill runaway process ${pid}: ${describeFsError(error)}`);
      }
    }
  }
}

/**
 * Whether process `pid`'s environment contains `needle`; false when it is gone, a kernel thread or another user's.
 * Read synchronously: /proc is answered from kernel memory, and one pass over a board's hundred-odd processes takes
 * about 1 ms this way against about 3 ms through the thread pool (four open/read/close round trips per process),
 * and a pass follows every command and goal check.
 */
function carriesNeedle(pid: number, needle: Buffer): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(needle);
  } catch (error) {
    // None of those is ours to kill; anything that is not an OS error is a bug.
    if (readErrnoCode(error) === undefined) throw error;
    return false;
  }
}
