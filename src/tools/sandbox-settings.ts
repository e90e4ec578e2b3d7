// The operator's sandbox settings and the one decision made from them before any command or check runs: which sandbox, or a refusal; invariant: mode "bwrap" never falls back to running bare.
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { describeFsError } from "./sandbox-path.js";
import { describeSandboxStatus, probeSandbox } from "./sandbox-probe.js";
import type { SandboxedSpawn } from "./spawn-capped.js";

/** Config `sandbox`, as tools and checks need it. */
export interface SandboxSettings {
  /** `bwrap`: every command and check runs in bubblewrap, or not at all. `none`: bare, behind the argument rules only. */
  mode: "bwrap" | "none";
  /** Allowlisted program names granted the network. */
  networkCommands: readonly string[];
  /** Goal checks get the network. */
  networkChecks: boolean;
  /** Where bwrap is; defaults to a search of the safe PATH. Tests point it at a missing file. */
  bwrapPath?: string;
}

/** The settings when config says nothing: sandboxed, no network. */
export const DEFAULT_SANDBOX_SETTINGS: SandboxSettings = Object.freeze({
  mode: "bwrap",
  networkCommands: Object.freeze([]),
  networkChecks: false,
});

/** What the operator can do about a missing sandbox; part of every refusal. */
export const NO_SANDBOX_REMEDY =
  'install bubblewrap (apt install bubblewrap) or set sandbox.mode to "none" in config.json';

/** What one run needs from the sandbox. */
export interface SandboxRequest {
  /** The writable workspace (real path). */
  workspaceDir: string;
  /** Folders shown read-only (the operator's command folders). */
  readOnlyDirs: readonly string[];
  network: boolean;
}

/**
 * How to spawn under `settings`: `sandbox` is the spawnCapped option (absent for mode "none"); `ok: false` with a
 * reason "no sandbox: …; install …" when mode is "bwrap" and the probe found none.
 */
export async function prepareSandbox(
  settings: SandboxSettings,
  request: SandboxRequest,
): Promise<{ ok: true; sandbox?: SandboxedSpawn } | { ok: false; reason: string }> {
  if (settings.mode === "none") return { ok: true };
  const status = await probeSandbox(settings.bwrapPath);
  if (!status.available) return { ok: false, reason: `${describeSandboxStatus(status)}; ${NO_SANDBOX_REMEDY}` };
  const workspaceProblem = (await findWorkspaceProblem(request.workspaceDir)) ?? (await findCommandDirProblem(request));
  if (workspaceProblem !== undefined) return { ok: false, reason: workspaceProblem };
  return {
    ok: true,
    sandbox: {
      bwrapPath: status.bwrapPath,
      policy: {
        workspaceDir: request.workspaceDir,
        readOnlyDirs: request.readOnlyDirs,
        network: request.network,
        proc: status.proc,
        disableUserns: status.disableUserns,
        hostLayout: status.hostLayout,
      },
    },
  };
}

/**
 * Why `workspaceDir` must not be bound, or `undefined`: bwrap follows a symlink given as a bind source, so a workspace
 * swapped for a link (to `/`, to the state dir) would make its target the sandbox's writable place.
 */
async function findWorkspaceProblem(workspaceDir: string): Promise<string | undefined> {
  try {
    const stats = await lstat(workspaceDir);
    if (stats.isSymbolicLink()) return `the workspace ${workspaceDir} is a symbolic link; it must be a real folder`;
    return stats.isDirectory() ? undefined : `the workspace ${workspaceDir} is not a folder`;
  } catch (error) {
    return `the workspace ${workspaceDir} cannot be used: ${describeFsError(error)}`;
  }
}

/**
 * Why a command folder must not be shown to the sandbox, or `undefined`: one that holds the state dir (the workspace's
 * parent) would show the state's own files (db.json, operator/, config.json) to every command, and one inside the
 * workspace would hold programs the agent wrote under allowlisted names. A folder that does not exist is skipped.
 */
async function findCommandDirProblem(request: SandboxRequest): Promise<string | undefined> {
  const stateDir = path.dirname(request.workspaceDir);
  for (const dir of request.readOnlyDirs) {
    const real = await realpath(dir).catch(() => undefined);
    if (real === undefined) continue;
    const holds = (outer: string, inner: string): boolean =>
      inner === outer || inner.startsWith(outer.endsWith("/") ? outer : `${outer}/`);
    if (holds(real, stateDir)) {
      return `tools.commandDirs entry ${dir} holds the state dir ${stateDir}, whose files every command would see; give the programs a folder of their own, such as bin/ in the state dir`;
    }
    if (holds(request.workspaceDir, real)) {
      return `tools.commandDirs entry ${dir} is inside the workspace, where the agent writes: an allowlisted name there would run whatever the agent put there`;
    }
  }
  return undefined;
}

/** Why commands cannot run under `settings` (the refusal's text), or `undefined` when they can. */
export async function findSandboxProblem(settings: SandboxSettings): Promise<string | undefined> {
  if (settings.mode === "none") return undefined;
  const status = await probeSandbox(settings.bwrapPath);
  return status.available ? undefined : `${describeSandboxStatus(status)}; ${NO_SANDBOX_REMEDY}`;
}
