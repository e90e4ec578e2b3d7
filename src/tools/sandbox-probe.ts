// Finds bwrap and checks once per process (per bwrap path) that it can build the sandbox here, with or without a /proc of its own and nested user namespaces forbidden; invariant: "available" means a sandboxed program really ran with exactly those options.
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, lstat, readlink, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { SYSTEM_TOP_PATHS, type HostPathKind, type SandboxPolicy } from "./sandbox.js";
import { describeFsError, readErrnoCode } from "./sandbox-path.js";
import { SAFE_PATH, spawnCapped } from "./spawn-capped.js";

const execFileAsync = promisify(execFile);

/** How long a probe run may take; a Pi under load starts a sandbox in well under a second. */
const PROBE_TIMEOUT_MS = 10_000;
/** The program the probe runs inside: present on every Debian system, touches nothing. */
const PROBE_PROGRAM = "/bin/sh";

/** What the probe found. */
export type SandboxStatus =
  | {
      available: true;
      bwrapPath: string;
      /** `0.8.0`, from `bwrap --version`. */
      version: string;
      /** A procfs of the sandbox's own could be mounted; when false commands run without `/proc`. */
      proc: boolean;
      /** User namespaces could be forbidden inside; when false a sandboxed program may make its own (without power over ours). */
      disableUserns: boolean;
      /** The host's top-level system paths, for the mounts. */
      hostLayout: Readonly<Record<string, HostPathKind>>;
    }
  | { available: false; reason: string };

const probes = new Map<string, Promise<SandboxStatus>>();

/**
 * The sandbox status for `bwrapPath` (default: `bwrap` looked up in the safe PATH, never the daemon's own PATH),
 * probed on first use and cached for the life of the process. Never rejects.
 */
export function probeSandbox(bwrapPath?: string): Promise<SandboxStatus> {
  const key = bwrapPath ?? "";
  let probe = probes.get(key);
  if (probe === undefined) {
    probe = runProbe(bwrapPath);
    probes.set(key, probe);
  }
  return probe;
}

/** One line for `doctor` and logs: `bwrap 0.8.0, user+pid+net namespaces, /proc inside: yes, nested user namespaces: no`. */
export function describeSandboxStatus(status: SandboxStatus): string {
  if (!status.available) return `no sandbox: ${status.reason}`;
  return `bwrap ${status.version}, user+pid+net namespaces, /proc inside: ${status.proc ? "yes" : "no"}, nested user namespaces: ${status.disableUserns ? "no" : "yes"}`;
}

/**
 * The options tried, best first. Under systemd's ProtectKernelTunables an unprivileged procfs mount is refused and
 * `/proc/sys` is read-only (which `--disable-userns` writes): then the sandbox goes without one or both.
 */
const PROBE_OPTIONS: ReadonlyArray<{ proc: boolean; disableUserns: boolean }> = [
  { proc: true, disableUserns: true },
  { proc: false, disableUserns: true },
  { proc: true, disableUserns: false },
  { proc: false, disableUserns: false },
];

async function runProbe(bwrapPath: string | undefined): Promise<SandboxStatus> {
  const found = bwrapPath === undefined ? await findBwrap() : await checkExecutable(bwrapPath);
  if (!found.ok) return { available: false, reason: found.reason };
  const version = await readBwrapVersion(found.path);
  if (!version.ok) return { available: false, reason: version.reason };
  let hostLayout: Record<string, HostPathKind>;
  try {
    hostLayout = await readHostLayout();
  } catch (error) {
    return {
      available: false,
      reason: `${error instanceof Error ? error.message : String(error)}: ${String((error as Error).cause ?? "")}`,
    };
  }
  const problems: string[] = [];
  for (const options of PROBE_OPTIONS) {
    const problem = await tryRun(found.path, { readOnlyDirs: [], network: false, hostLayout, ...options });
    if (problem === undefined)
      return { available: true, bwrapPath: found.path, version: version.version, hostLayout, ...options };
    problems.push(problem);
  }
  return {
    available: false,
    reason: `${found.path} cannot build a sandbox here: ${problems.at(-1) ?? "?"} (with /proc and no nested user namespaces: ${problems[0] ?? "?"})`,
  };
}

/** Runs the probe program in a sandbox without a workspace; `undefined` when it ran and exited 0, else why not. */
async function tryRun(
  bwrapPath: string,
  policy: Omit<SandboxPolicy, "statusFd" | "workspaceDir">,
): Promise<string | undefined> {
  const result = await spawnCapped(PROBE_PROGRAM, ["-c", "exit 0"], {
    cwd: "/",
    timeoutMs: PROBE_TIMEOUT_MS,
    maxOutputBytes: 4096,
    sandbox: { bwrapPath, policy },
  });
  if (result.ending === "exited" && result.exitCode === 0) return undefined;
  if (result.ending === "not-started") return result.startError ?? "not started";
  if (result.ending === "timed-out") return `no answer within ${PROBE_TIMEOUT_MS} ms`;
  const firstLine = result.output
    .toString("utf8")
    .split("\n")
    .find((line) => line.trim().length > 0);
  return `exit ${result.exitCode ?? result.signal ?? "?"}${firstLine === undefined ? "" : `: ${firstLine.trim()}`}`;
}

async function findBwrap(): Promise<{ ok: true; path: string } | { ok: false; reason: string }> {
  for (const dir of SAFE_PATH.split(":")) {
    const candidate = path.join(dir, "bwrap");
    const checked = await checkExecutable(candidate);
    if (checked.ok) return checked;
  }
  return { ok: false, reason: `bwrap was not found in ${SAFE_PATH}` };
}

async function checkExecutable(file: string): Promise<{ ok: true; path: string } | { ok: false; reason: string }> {
  try {
    if (!(await stat(file)).isFile()) return { ok: false, reason: `${file} is not a regular file` };
    await access(file, constants.X_OK);
    return { ok: true, path: file };
  } catch (error) {
    return { ok: false, reason: `${file}: ${describeFsError(error)}` };
  }
}

async function readBwrapVersion(
  bwrapPath: string,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const { stdout } = await execFileAsync(bwrapPath, ["--version"], { timeout: PROBE_TIMEOUT_MS, env: {} });
    const match = /bubblewrap\s+(\S+)/.exec(stdout);
    return match?.[1] !== undefined
      ? { ok: true, version: match[1] }
      : { ok: false, reason: `${bwrapPath} --version printed no bubblewrap version` };
  } catch (error) {
    return {
      ok: false,
      reason: `${bwrapPath} --version failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    };
  }
}

/** Reads how each of {@link SYSTEM_TOP_PATHS} looks on this host. */
export async function readHostLayout(): Promise<Record<string, HostPathKind>> {
  const layout: Record<string, HostPathKind> = {};
  for (const top of SYSTEM_TOP_PATHS) {
    try {
      const stats = await lstat(top);
      if (stats.isSymbolicLink()) layout[top] = { kind: "symlink", target: await readlink(top) };
      else if (stats.isDirectory()) layout[top] = { kind: "dir" };
      else layout[top] = { kind: "absent" };
    } catch (error) {
      if (readErrnoCode(error) !== "ENOENT") throw new Error(`cannot look at ${top}`, { cause: error });
      layout[top] = { kind: "absent" };
    }
  }
  return layout;
}
