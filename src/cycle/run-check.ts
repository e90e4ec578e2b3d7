// Runs a goal's check command (operator-written, so through /bin/sh) in the workspace: exit status 0 means met. Never throws for a failing check.
import { spawnCapped } from "../tools/spawn-capped.js";

export interface CheckResult {
  passed: boolean;
  /** `exit 1`, `timed out after 10000 ms`, `killed by SIGKILL`, `cannot start: …`. */
  exitDescription: string;
  /** stdout and stderr, capped. */
  output: string;
  durationMs: number;
}

export interface CheckOptions {
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/** Runs `command` with `/bin/sh -c` in `cwd`, with the same scrubbed environment and caps as the `run` tool. */
export async function runCheck(command: string, options: CheckOptions): Promise<CheckResult> {
  const startedAt = performance.now();
  const result = await spawnCapped("/bin/sh", ["-c", command], {
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const durationMs = Math.round(performance.now() - startedAt);
  const output = result.output.toString("utf8").trim() + (result.truncated ? "\n[output truncated]" : "");
  let exitDescription: string;
  if (result.ending === "not-started") exitDescription = `cannot start: ${result.startError ?? "unknown reason"}`;
  else if (result.ending === "timed-out") exitDescription = `timed out after ${options.timeoutMs} ms`;
  else if (result.ending === "aborted") exitDescription = "aborted";
  else if (result.exitCode === null) exitDescription = `killed by ${result.signal ?? "a signal"}`;
  else exitDescription = `exit ${result.exitCode}`;
  return { passed: result.ending === "exited" && result.exitCode === 0, exitDescription, output, durationMs };
}
