// Runs acquireStateLock in a real child process (a .mjs importing the compiled module), for cross-process lock tests.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";

/** What the child prints as its first stdout line. */
export interface ChildLockReport {
  pid: number;
  ok: boolean;
  reason?: string;
  holderPid?: number;
  message?: string;
}

const STATE_LOCK_URL = new URL("../../../src/daemon/state-lock.js", import.meta.url).href;

/**
 * Writes the child script into `scratchDir`. Mode `try`: report, release, exit.
 * Mode `hold`: report, then keep the lock until killed.
 */
export async function writeLockChildScript(scratchDir: string): Promise<string> {
  const script = path.join(scratchDir, "lock-child.mjs");
  await writeFile(
    script,
    `import { acquireStateLock } from ${JSON.stringify(STATE_LOCK_URL)};
const [stateDir, mode] = process.argv.slice(2);
const logger = { debug() {}, info() {}, warn() {}, error(m) { process.stderr.write(m + "\\n"); } };
const result = await acquireStateLock(stateDir, { logger });
const { ok } = result;
process.stdout.write(JSON.stringify({ pid: process.pid, ok, reason: result.reason, holderPid: result.holderPid, message: result.message }) + "\\n");
if (mode === "hold") setInterval(() => {}, 1 << 30);
else if (ok) await result.release();
`,
  );
  return script;
}

/** Starts the child and resolves with it and its report once the report line arrives. */
export async function startLockChild(
  script: string,
  stateDir: string,
  mode: "try" | "hold",
): Promise<{ child: ChildProcess; report: ChildLockReport }> {
  const child = spawn(process.execPath, [script, stateDir, mode], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const report = await new Promise<ChildLockReport>((resolve, reject) => {
    lines.once("line", (line) => resolve(JSON.parse(line) as ChildLockReport));
    child.once("exit", (code) => reject(new Error(`lock child exited (${code}) before reporting`)));
    child.once("error", reject);
  });
  lines.close();
  return { child, report };
}

/** Resolves when the child has exited and been reaped (a zombie would still answer kill(pid, 0)). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
