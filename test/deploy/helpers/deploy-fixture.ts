// Helpers for the deploy tests: the paths of deploy/, runs of install.sh and systemd tools, temp target roots, tree snapshots.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout (tests run from dist/test/deploy/helpers). */
export const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
export const INSTALL_SH = path.join(REPO, "deploy", "install.sh");
export const UNIT_FILE = path.join(REPO, "deploy", "apprentice.service");

export interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion with stdout and stderr apart; `env` replaces the environment when given whole. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd ?? REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? signal ?? "unknown", stdout, stderr }));
  });
}

export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  /** As an unprivileged user (nobody) when the tests run as root. */
  unprivileged?: boolean;
  /** Through this machine's bash rather than the script's `#!/usr/bin/env bash`, for an `env.PATH` without bash. */
  viaBash?: boolean;
}

/** Runs deploy/install.sh (programs named by their full path, so `env.PATH` may be anything). */
export function runInstall(args: string[], options: InstallOptions = {}): Promise<Run> {
  const command = options.viaBash === true ? [requireOnPath("bash"), INSTALL_SH, ...args] : [INSTALL_SH, ...args];
  if (options.unprivileged === true && process.getuid?.() === 0) {
    return run(requireOnPath("setpriv"), ["--reuid=65534", "--regid=65534", "--clear-groups", "--", ...command], options);
  }
  const [program = INSTALL_SH, ...rest] = command;
  return run(program, rest, options);
}

function requireOnPath(name: string): string {
  const found = findOnPath(name);
  if (found === undefined) throw new Error(`${name} is not on PATH`);
  return found;
}

/** The lines of an output that start with `prefix` ("would ", "ok: ", "+ ", "note: "). */
export function linesStartingWith(output: string, prefix: string): string[] {
  return output.split("\n").filter((line) => line.startsWith(prefix));
}

/** A fresh empty dir standing for the target system's `/`; readable by other users (the service user must get in). */
export async function makeTargetRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), "apprentice-deploy-root-"));
  await chmod(root, 0o755);
  t.after(() => rm(root, { recursive: true, force: true }));
  return root;
}

/** Every path under `dir` with its type, mode, owner, size and mtime: equal snapshots mean nothing was touched. */
export async function snapshotTree(dir: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const name of (await readdir(current)).sort()) {
      const full = path.join(current, name);
      const info = await lstat(full);
      const kind = info.isSymbolicLink() ? "link" : info.isDirectory() ? "dir" : "file";
      lines.push(`${path.relative(dir, full)} ${kind} ${info.mode.toString(8)} ${info.uid}:${info.gid} ${info.isDirectory() ? "" : info.size} ${info.mtimeMs}`);
      if (kind === "dir") await walk(full);
    }
  };
  await walk(dir);
  return lines;
}

/** The full path of a program on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Skips a test with a message that stands out in the output, as the browser test does for a missing chromium. */
export function skipLoudly(t: { skip: (message: string) => void }, message: string): void {
  process.stderr.write(`\n!!! SKIPPED: ${message} !!!\n\n`);
  t.skip(message);
}

/** A systemd unit file as section → key → values (a key may repeat); comments and blank lines dropped. */
export type ParsedUnit = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): ParsedUnit {
  const sections: ParsedUnit = new Map();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1] ?? "", current);
      continue;
    }
    const eq = line.indexOf("=");
    if (current === undefined || eq < 0) throw new Error(`not a unit line: ${raw}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}
