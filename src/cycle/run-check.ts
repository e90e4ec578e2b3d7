// Runs a goal's check command (operator-written, so through /bin/sh) in the workspace, inside the OS sandbox unless the operator opted out: exit status 0 means met. Never throws for a failing check.
import { prepareSandbox, type SandboxSettings } from "../tools/sandbox-settings.js";
import { spawnCapped } from "../tools/spawn-capped.js";

export interface CheckResult {
  passed: boolean;
  /** `exit 1`, `timed out after 10000 ms`, `killed by SIGKILL`, `cannot start: …` (also `cannot start: no sandbox: …`). */
  exitDescription: string;
  /** stdout and stderr, capped. */
  output: string;
  durationMs: number;
}

export interface CheckOptions {
  /** The workspace (real path): the working directory and, sandboxed, the only writable place. */
  cwd: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** Config `sandbox`: the check gets the network only with `networkChecks`. */
  sandbox: SandboxSettings;
  /** Folders the check may read besides the system's (config `tools.commandDirs`). Defaults to none. */
  readOnlyDirs?: readonly string[];
}

/**
 * Runs `command` with `/bin/sh -c` in `cwd`, with the same scrubbed environment, caps and sandbox as the `run` tool.
 * With sandbox mode "bwrap" and no usable bwrap, nothing runs and the check fails as `cannot start: no sandbox: …`.
 */
export async function runCheck(command: string, options: CheckOptions): Promise<CheckResult> {
  const startedAt = performance.now();
  const prepared = await prepareSandbox(options.sandbox, {
    workspaceDir: options.cwd,
    readOnlyDirs: options.readOnlyDirs ?? [],
    network: options.sandbox.networkChecks,
  });
  if (!prepared.ok)
    return {
      passed: false,
      exitDescription: `cannot start: ${prepared.reason}`,
      output: "",
      durationMs: Math.round(performance.now() - startedAt),
    };
  const result = await spawnCapped("/bin/sh", ["-c", command], {
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(prepared.sandbox !== undefined ? { sandbox: prepared.sandbox } : {}),
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
