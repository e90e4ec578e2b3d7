// The model process dies with the process that forked it: the kernel's parent-death signal where util-linux's setpriv
// can set it, otherwise a watchdog thread in the model process. Either holds while the model's main thread is blocked.
import { accessSync, constants } from "node:fs";
import { Worker } from "node:worker_threads";

/**
 * How a model process is tied to its parent:
 * - `pdeathsig`: started through `setpriv --pdeathsig KILL`, so the kernel SIGKILLs it the moment its parent dies
 *   (PR_SET_PDEATHSIG; no cost, no delay);
 * - `watchdog`: a thread in the model process compares its parent pid with the one it was started by every
 *   {@link WATCHDOG_INTERVAL_MS} and SIGKILLs its own process when they differ (the thread costs RSS; see
 *   docs/PERFORMANCE.md, "The model process's parent-death watchdog").
 */
export type ParentDeathGuard = "pdeathsig" | "watchdog";

/** Where setpriv lives on Debian and Raspberry Pi OS (util-linux, an essential package) and on merged-/usr systems. */
const SETPRIV_PATHS = ["/usr/bin/setpriv", "/bin/setpriv"] as const;
/** How often the watchdog thread looks at its parent pid. */
export const WATCHDOG_INTERVAL_MS = 500;
/** Environment variables the model process reads its guard from. */
const PARENT_PID_VAR = "APPRENTICE_MODEL_PARENT_PID";
const GUARD_VAR = "APPRENTICE_MODEL_PARENT_GUARD";

/** How to start a Node script so that it dies with this process. */
export interface GuardedLaunch {
  /** The program `fork` runs (`execPath`): setpriv, or Node itself. */
  execPath: string;
  /** Arguments before the script: setpriv's, then Node and its flags; or Node's flags alone. */
  execArgv: string[];
  /** Environment additions telling the model process its parent and guard (read by {@link guardAgainstOrphaning}). */
  env: Record<string, string>;
  guard: ParentDeathGuard;
}

let setprivPath: string | undefined | null = null;

/** The setpriv binary, if this system has one (looked up once per process). */
function findSetpriv(): string | undefined {
  if (setprivPath !== null) return setprivPath;
  setprivPath = SETPRIV_PATHS.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "EACCES")
        return false;
      throw error;
    }
  });
  return setprivPath;
}

/**
 * The launch for a child Node process (with `nodeArgs`) guarded against outliving this one. Uses the parent-death
 * signal when setpriv is there, unless `prefer` asks for the watchdog (tests of the fallback).
 */
export function guardedLaunch(nodeArgs: readonly string[], prefer?: ParentDeathGuard): GuardedLaunch {
  const setpriv = prefer === "watchdog" ? undefined : findSetpriv();
  const env = { [PARENT_PID_VAR]: String(process.pid) };
  if (setpriv === undefined)
    return {
      execPath: process.execPath,
      execArgv: [...nodeArgs],
      env: { ...env, [GUARD_VAR]: "watchdog" },
      guard: "watchdog",
    };
  return {
    execPath: setpriv,
    execArgv: ["--pdeathsig", "KILL", process.execPath, ...nodeArgs],
    env: { ...env, [GUARD_VAR]: "pdeathsig" },
    guard: "pdeathsig",
  };
}

/** The watchdog thread: CommonJS, run with `eval`, so it needs no file of its own and no module loader. */
const WATCHDOG_SOURCE = `
const { workerData } = require("node:worker_threads");
setInterval(() => {
  if (process.ppid !== workerData.parentPid) process.kill(process.pid, "SIGKILL");
}, workerData.intervalMs);
`;

/**
 * Run first thing in a model process. When the parent that started it is already gone (it died before the guard was
 * in place), the process SIGKILLs itself; under the `watchdog` guard it starts the watchdog thread. Without the
 * environment {@link guardedLaunch} sets (the script run by hand) it does nothing and says so through `warn`.
 */
export function guardAgainstOrphaning(warn: (message: string) => void): void {
  const parentPid = Number(process.env[PARENT_PID_VAR]);
  if (!Number.isSafeInteger(parentPid) || parentPid <= 0) {
    warn("model process: no parent pid given; it will not end with its parent");
    return;
  }
  if (process.ppid !== parentPid) process.kill(process.pid, "SIGKILL");
  if (process.env[GUARD_VAR] === "pdeathsig") return;
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { parentPid, intervalMs: WATCHDOG_INTERVAL_MS },
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 1, stackSizeMb: 1 },
  });
  watchdog.on("error", (error) =>
    warn(`model process: the parent watchdog failed, so this process may outlive its parent: ${error.message}`),
  );
  // The thread never keeps the model process alive; it only ends it.
  watchdog.unref();
}
