// Finds host processes by a unique marker in their command line or environment: pids a sandboxed command prints are its own pid namespace's, so survivors are judged this way.
import { readdir, readFile } from "node:fs/promises";

/** Live (not zombie) host pids, other than this process, whose `/proc/<pid>/cmdline` or `environ` contains `marker`. */
export async function findMarkedProcesses(marker: string): Promise<number[]> {
  const needle = Buffer.from(marker);
  const found: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^[0-9]+$/.test(name) || Number(name) === process.pid) continue;
    const [cmdline, environ, stat] = await Promise.all([readOrEmpty(`/proc/${name}/cmdline`), readOrEmpty(`/proc/${name}/environ`), readOrEmpty(`/proc/${name}/stat`)]);
    const state = stat.toString("utf8").split(") ")[1]?.[0];
    if (state === undefined || state === "Z") continue;
    if (cmdline.includes(needle) || environ.includes(needle)) found.push(Number(name));
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
async function readOrEmpty(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH" || code === "EACCES" || code === "EPERM") return Buffer.alloc(0);
    throw error;
  }
}
