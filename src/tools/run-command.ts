// The `run` tool: runs an allowlisted program by argv in the workspace, inside the OS sandbox unless the operator opted out; invariant: no shell, a scrubbed env, no path argument or workspace link leading outside (a second line behind the sandbox), and no process outlives its step.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import { findArgumentProblem, MAX_ARG_CHARS } from "./run-arguments.js";
import { describeFsError, readErrnoCode } from "./sandbox-path.js";
import { prepareSandbox } from "./sandbox-settings.js";
import { SAFE_PATH, spawnCapped, type SpawnResult } from "./spawn-capped.js";
import type { Tool, ToolContext, ToolOutcome } from "./tool.js";
import { MAX_SCANNED_ENTRIES, scanWorkspaceLinks } from "./workspace-links.js";

/** Most arguments accepted per command. */
const MAX_ARGS = 8;
/** Same rule as config `tools.allowCommands`: a bare program name, never a path. */
const PROGRAM_NAME = /^[A-Za-z0-9._+-]{1,64}$/;

/** Runs a program from `allowCommands` with up to eight arguments; unavailable when the allowlist is empty. */
export const runCommandTool: Tool = {
  name: "run",
  description: "Run an allowed program with arguments in the workspace (no shell: no pipes, globs or redirects).",
  effect: true,
  taint: true,
  freeTextKeys: [],
  masking: "failures-or-ineffective",
  enabledByDefault: true,
  argsSchema(view) {
    if (view.allowCommands.length === 0) return undefined;
    return {
      type: "object",
      properties: {
        command: { enum: view.allowCommands, description: "program name" },
        args: {
          type: "array",
          items: { type: "string", maxLength: MAX_ARG_CHARS },
          maxItems: maxArgsOfAll(view.allowCommands, view.commandArgs),
        },
      },
      required: ["command", "args"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const command = args.command;
    if (typeof command !== "string") return { ok: false, error: "command must be a string" };
    // The schema's enum is not the only guard: the allowlist is checked again here.
    if (!PROGRAM_NAME.test(command) || command === "." || command === "..") {
      return { ok: false, error: `"${command}" is not a bare program name` };
    }
    if (!context.allowCommands.includes(command)) {
      return {
        ok: false,
        error: `"${command}" is not an allowed command (allowed: ${context.allowCommands.join(", ") || "none"})`,
      };
    }
    const argv = args.args ?? [];
    if (!Array.isArray(argv)) return { ok: false, error: "args must be an array of strings" };
    const maxArgs = context.commandArgs[command] ?? MAX_ARGS;
    if (argv.length > maxArgs) return { ok: false, error: `${command} takes at most ${maxArgs} arguments` };
    const checked: string[] = [];
    for (const [index, arg] of argv.entries()) {
      const problem = findArgumentProblem(arg, index);
      if (problem !== undefined) return { ok: false, error: problem };
      checked.push(arg as string);
    }
    const program = await findProgram(command, context.commandDirs);
    if (!program.ok) return program;
    // Relative arguments stay inside only while no link in the workspace leads out; recursive programs
    // (`grep -R`, `find -L`) follow links no argument names, so the whole workspace is checked.
    const links = await scanWorkspaceLinks(context.workspaceDir);
    if (links.escapes.length > 0) {
      return { ok: false, error: `${command} not started, the workspace has a way out: ${links.escapes.join("; ")}` };
    }
    if (!links.complete) {
      return {
        ok: false,
        error: `${command} not started: the workspace has more than ${MAX_SCANNED_ENTRIES} entries to check for links leading outside`,
      };
    }
    if (context.signal.aborted) return { ok: false, error: `${command} not started: the step was aborted` };
    return runProgram(program.absolute, command, checked, context);
  },
};

/** The largest argument count any of `commands` accepts, for the step's schema. */
function maxArgsOfAll(commands: readonly string[], commandArgs: Readonly<Record<string, number>>): number {
  return Math.max(0, ...commands.map((command) => commandArgs[command] ?? MAX_ARGS));
}

/** Looks `name` up in the operator's `commandDirs`, then in `SAFE_PATH`; the caller's PATH plays no part. */
export async function findProgram(
  name: string,
  commandDirs: readonly string[] = [],
): Promise<{ ok: true; absolute: string } | { ok: false; error: string }> {
  const misses: string[] = [];
  for (const dir of [...commandDirs, ...SAFE_PATH.split(":")]) {
    const candidate = path.join(dir, name);
    try {
      const stats = await stat(candidate);
      if (!stats.isFile()) {
        misses.push(`${candidate}: not a regular file`);
        continue;
      }
      await access(candidate, constants.X_OK);
      return { ok: true, absolute: candidate };
    } catch (error) {
      // A plain "not here" is the normal miss; anything else (EACCES, ELOOP) is worth telling the model.
      if (readErrnoCode(error) !== "ENOENT") misses.push(`${candidate}: ${describeFsError(error)}`);
    }
  }
  return {
    ok: false,
    error: `${name} was not found in ${[...commandDirs, SAFE_PATH].join(":")}${misses.length > 0 ? ` (${misses.join("; ")})` : ""}`,
  };
}

/**
 * Runs a checked program, in the sandbox unless config `sandbox.mode` is "none", and turns how it ended into the
 * tool's outcome. With mode "bwrap" and no usable bwrap it refuses before anything runs.
 */
async function runProgram(program: string, name: string, args: string[], context: ToolContext): Promise<ToolOutcome> {
  const prepared = await prepareSandbox(context.sandbox, {
    workspaceDir: context.workspaceDir,
    readOnlyDirs: context.commandDirs,
    network: context.sandbox.networkCommands.includes(name),
  });
  if (!prepared.ok) return { ok: false, error: `${name} not started: ${prepared.reason}` };
  const result = await spawnCapped(program, args, {
    cwd: context.workspaceDir,
    timeoutMs: context.limits.commandTimeoutMs,
    maxOutputBytes: context.limits.maxOutputBytes,
    signal: context.signal,
    argv0: name,
    ...(prepared.sandbox !== undefined ? { sandbox: prepared.sandbox } : {}),
  });
  return describeRun(name, result, context.limits.commandTimeoutMs);
}

/**
 * Turns a finished run into the outcome: ok iff exit code 0; output always starts with the exit code. The error names
 * only how the run ended (`exit 2`, `timed out after …`): stderr is world text (`date -f notes.txt` echoes a file's
 * lines), so it is shown only inside the output, which the loop fences as quoted data. Its first line goes into
 * `detail`, so that two failures with different stderr still get different signatures.
 */
export function describeRun(name: string, result: SpawnResult, timeoutMs: number): ToolOutcome {
  if (result.ending === "not-started") {
    return { ok: false, error: `cannot start ${name}: ${result.startError ?? "unknown reason"}` };
  }
  const status =
    result.exitCode !== null
      ? `exit code: ${result.exitCode}`
      : `exit code: none (signal ${result.signal ?? "unknown"})`;
  const lines = [status];
  const body = result.output.toString("utf8");
  if (body.length > 0) lines.push(body.endsWith("\n") ? body.slice(0, -1) : body);
  if (result.truncated) lines.push("[output truncated]");
  for (const problem of result.problems) lines.push(`[${problem}]`);
  const output = lines.join("\n");

  let error: string | undefined;
  let detail: string | undefined;
  if (result.ending === "timed-out") error = `timed out after ${timeoutMs} ms`;
  else if (result.ending === "aborted") error = "aborted: the step or cycle ended";
  else if (result.exitCode === null) error = `killed by ${result.signal ?? "an unknown signal"}`;
  else if (result.exitCode !== 0) {
    error = `exit ${result.exitCode}`;
    detail = result.stderrHead
      .split("\n")
      .find((line) => line.trim().length > 0)
      ?.trim();
  }
  if (error === undefined) return { ok: true, output };
  return { ok: false, error, ...(detail !== undefined ? { detail } : {}), output };
}
