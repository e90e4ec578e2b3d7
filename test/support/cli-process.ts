// Runs the real `apprentice` CLI in a child process and waits for lines on its output; for crash, lock and daemon tests.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { CLI } from "./state-fixture.js";

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** What was written to stdout alone (for `--json`). */
  stdout(): string;
  /** Resolves when a line matching `pattern` appears; rejects after `timeoutMs` with the output so far. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

export function startCli(args: string[], env: Record<string, string> = {}): CliRun {
  // Executed through its shebang, as `npx apprentice` and the npm scripts run it, so its memory settings apply.
  const child = spawn(CLI, args, {
    env: { ...process.env, APPRENTICE_LOG: "debug", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let text = "";
  let stdout = "";
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString("utf8");
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(text);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match[0]);
      }
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    onData(chunk);
  });
  child.stderr.on("data", onData);
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  return {
    child,
    output: () => text,
    stdout: () => stdout,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      const match = pattern.exec(text);
      if (match) return Promise.resolve(match[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (!pattern.exec(text)) reject(new Error(`process exited before ${pattern}; output:\n${text}`));
        });
      });
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | string; output: string; stdout: string }> {
  const run = startCli(args, env);
  const code = await run.exited;
  return { code, output: run.output(), stdout: run.stdout() };
}

/** Resident set size of a live process, in MB, from /proc. */
export function readRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}
