// Runs one program (inside bubblewrap, or bare in its own process group) with a scrubbed env and capped output; invariant: nothing it starts outlives the call.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { buildBwrapArgs, type SandboxPolicy } from "./sandbox.js";
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
/** The child's descriptor for bwrap's JSON status (stdin, stdout and stderr are 0 to 2). */
const STATUS_FD = 3;
/** bwrap's exit code when it could not set the sandbox up (its `die()`), or could not exec the program. */
const BWRAP_SETUP_EXIT_CODE = 1;

/** Runs the program inside bubblewrap. */
export interface SandboxedSpawn {
  /** Absolute path of the `bwrap` executable. */
  bwrapPath: string;
  /** What the sandbox shows the program; its status descriptor is set here. */
  policy: Omit<SandboxPolicy, "statusFd">;
}

export interface SpawnCappedOptions {
  /** Working directory. */
  cwd: string;
  /** Wall time before the whole process group is killed. */
  timeoutMs: number;
  /** stdout + stderr kept, in bytes; the rest is read and dropped. */
  maxOutputBytes: number;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /**
   * `argv[0]` for the child. Defaults to `program`. In the sandbox it is honoured only for a program of the safe PATH
   * (see {@link nameInSandbox}); others keep their path.
   */
  argv0?: string;
  /**
   * Run inside bubblewrap: its pid namespace ends every descendant with the program, so no `/proc` sweep is made.
   * A sandbox that cannot be set up ends as `not-started` with `startError` "no sandbox: …".
   */
  sandbox?: SandboxedSpawn;
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
  const env: Record<string, string> = {
    PATH: SAFE_PATH,
    HOME: CHILD_HOME,
    LANG: "C.UTF-8",
    [RUN_TOKEN_VARIABLE]: runToken,
  };
  const timeZone = process.env.TZ;
  if (timeZone !== undefined && timeZone !== "") env.TZ = timeZone;
  return env;
}

/**
 * Spawns `program` (a path; no PATH lookup, no shell) with `args`, captures capped output, and SIGKILLs its process
 * group on timeout, on abort, and once the program exits (stray background children).
 * Bare, descendants that left the group (`setsid`) are found after the exit by their run token in
 * `/proc/<pid>/environ` and killed too; only one that also replaced its environment (`env -i`) gets past that.
 * In the sandbox the program is the first process of its own pid namespace, so the kernel ends every descendant
 * with it (and with bwrap, which dies with us), whatever they did to their session or environment.
 * Resolves when the program has exited, its pipes are closed and any sweep is done; never rejects for an OS error.
 */
export function spawnCapped(
  program: string,
  args: readonly string[],
  options: SpawnCappedOptions,
): Promise<SpawnResult> {
  if (options.signal?.aborted) return Promise.resolve({ ...emptyResult(), ending: "aborted" });
  const runToken = randomBytes(12).toString("hex");
  const { sandbox } = options;
  const file = sandbox?.bwrapPath ?? program;
  const argv =
    sandbox === undefined
      ? args
      : [
          ...buildBwrapArgs({ ...sandbox.policy, statusFd: STATUS_FD }),
          "--",
          nameInSandbox(program, options.argv0),
          ...args,
        ];
  let child: ChildProcess;
  try {
    child = spawn(file, argv, {
      shell: false,
      cwd: options.cwd,
      env: buildChildEnvironment(runToken),
      argv0: sandbox === undefined ? (options.argv0 ?? program) : file,
      detached: true, // its own process group, so one kill reaches every descendant (bare) or bwrap (sandboxed)
      stdio: sandbox === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", "pipe", "pipe", "pipe"],
    });
  } catch (error) {
    return Promise.resolve({ ...emptyResult(), ending: "not-started", startError: describeFsError(error) });
  }
  return watchChild(child, { ...options, runToken });
}

/**
 * What bwrap is told to exec, which becomes the program's argv[0] (bwrap 0.8 has no `--argv0`): the bare name when
 * `program` is `<dir>/<argv0>` for a directory of {@link SAFE_PATH}, which bwrap's `execvp` searches in the same order
 * the caller did (so it finds the same read-only file), else the path. Error messages then read `ls: …` as they do
 * bare, and multi-call binaries such as busybox, which dispatch on argv[0], work either way.
 */
function nameInSandbox(program: string, argv0: string | undefined): string {
  if (argv0 === undefined || argv0.includes("/")) return program;
  return SAFE_PATH.split(":").some((dir) => program === `${dir}/${argv0}`) ? argv0 : program;
}

/** A result with nothing in it yet. */
function emptyResult(): SpawnResult {
  return {
    ending: "exited",
    exitCode: null,
    signal: null,
    output: Buffer.alloc(0),
    truncated: false,
    stderrHead: "",
    problems: [],
  };
}

/** Output kept up to a cap in arrival order, plus the head of stderr alone. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private keptBytes = 0;
  private readonly stderrChunks: Buffer[] = [];
  private stderrBytes = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  /** Keeps what fits; past the cap chunks are still read and dropped, so a flooding program never blocks on a full pipe. */
  keep(chunk: Buffer): void {
    const room = this.maxBytes - this.keptBytes;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.keptBytes += part.length;
  }

  keepStderr(chunk: Buffer): void {
    this.keep(chunk);
    if (this.stderrBytes >= STDERR_HEAD_BYTES) return;
    const part = chunk.subarray(0, STDERR_HEAD_BYTES - this.stderrBytes);
    this.stderrChunks.push(part);
    this.stderrBytes += part.length;
  }

  fill(result: SpawnResult): void {
    result.output = Buffer.concat(this.chunks);
    result.stderrHead = Buffer.concat(this.stderrChunks).toString("utf8");
    result.truncated = this.truncated;
  }
}

/** Follows a spawned child to its end: caps, timeout, abort, the group kill, and the sweep or the sandbox verdict. */
function watchChild(child: ChildProcess, options: SpawnCappedOptions & { runToken: string }): Promise<SpawnResult> {
  const { timeoutMs, signal, sandbox } = options;
  return new Promise<SpawnResult>((resolve, reject) => {
    const result = emptyResult();
    const output = new CappedOutput(options.maxOutputBytes);
    const status: Buffer[] = [];
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    let sweep: Promise<void> = Promise.resolve();
    const pid = child.pid;
    const killGroup = (): void => killProcessGroup(pid, result.problems);
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      signal?.removeEventListener("abort", onAbort);
      output.fill(result);
      if (sandbox !== undefined) judgeSandboxStart(result, Buffer.concat(status).toString("utf8"));
      // The sweep rejects only for a bug, which must surface rather than hang the step.
      sweep.then(() => resolve(result), reject);
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

    child.stdout?.on("data", (chunk: Buffer) => output.keep(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.keepStderr(chunk));
    child.stdio[STATUS_FD]?.on("data", (chunk: Buffer) => status.push(chunk));
    child.on("error", (error) => {
      if (pid !== undefined) {
        result.problems.push(`process error: ${error.message}`);
        return;
      }
      result.ending = "not-started";
      result.startError = describeFsError(error);
      settle();
    });
    child.on("exit", (code, exitSignal) => {
      result.exitCode = code;
      result.signal = exitSignal;
      // Background descendants would hold the pipes open and outlive the call: end the whole group, then the runaways.
      killGroup();
      if (sandbox === undefined) sweep = killTokenHolders(options.runToken, result.problems);
      drainTimer = setTimeout(() => {
        for (const stream of child.stdio) stream?.destroy();
        settle();
      }, PIPE_DRAIN_MS);
    });
    child.on("close", settle);
  });
}

/** SIGKILLs process group `pid`; a group already gone is the goal, anything else goes to `problems`. */
function killProcessGroup(pid: number | undefined, problems: string[]): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if (readErrnoCode(error) !== "ESRCH") problems.push(`could not kill the process group: ${String(error)}`);
  }
}

/**
 * Tells a sandbox that could not be set up from a program that failed: bwrap reports `"exit-code"` on its status
 * descriptor only once the program ran and ended, and exits with 1 when it died setting up or could not exec the
 * program. Such a run becomes `not-started`, its reason bwrap's first line.
 */
function judgeSandboxStart(result: SpawnResult, statusText: string): void {
  if (result.ending !== "exited" || result.exitCode !== BWRAP_SETUP_EXIT_CODE || statusText.includes('"exit-code"'))
    return;
  const line =
    result.stderrHead
      .split("\n")
      .find((candidate) => candidate.trim().length > 0)
      ?.trim() ?? "bwrap exited with 1 before the program ran";
  result.ending = "not-started";
  result.exitCode = null;
  result.startError = `the sandbox could not start it: ${line}`;
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
        if (readErrnoCode(error) !== "ESRCH")
          problems.push(`could not kill runaway process ${pid}: ${describeFsError(error)}`);
      }
    }
  }
}

/**
 * Whether process `pid`'s environment contains `needle`; false when it is gone, a kernel thread or another user's.
 * Read synchronously: /proc is answered from kernel memory, so one pass over a board's hundred-odd processes is
 * faster this way than through the thread pool (four open/read/close round trips per process; see
 * docs/PERFORMANCE.md, "The sweep for runaway processes"), and a pass follows every command and goal check.
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
