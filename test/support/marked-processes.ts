// Finds host processes by a unique marker in their command line or environment: pids a sandboxed command prints are its own pid namespace's, so survivors are judged this way.
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";

/**
 * Live (not zombie) host pids, other than this process, whose `/proc/<pid>/cmdline` or `environ` contains `marker`.
 * Read synchronously: /proc answers from kernel memory, and one pass runs after every case of a long corpus.
 */
export async function findMarkedProcesses(marker: string): Promise<number[]> {
  const needle = Buffer.from(marker);
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^[0-9]+$/.test(name) || Number(name) === process.pid) continue;
    if (
      !readOrEmpty(`/proc/${name}/cmdline`).includes(needle) &&
      !readOrEmpty(`/proc/${name}/environ`).includes(needle)
    )
      continue;
    const stat = readOrEmpty(`/proc/${name}/stat`).toString("utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state !== "" && state !== "Z") found.push(Number(name));
  }
  return found;
}

/** Waits up to `waitMs` for every process marked with `marker` to end; returns those still alive then. */
export async function waitForMarkedProcesses(marker: string, waitMs = 1500): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const alive = await findMarkedProcesses(marker);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILLs the given pids (cleanup after a run that let processes escape); gone ones are skipped. */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
}

/** A file's bytes, or nothing when the process is gone or not ours to read. */
function readOrEmpty(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH" || code === "EACCES" || code === "EPERM") return Buffer.alloc(0);
    throw error;
  }
}
