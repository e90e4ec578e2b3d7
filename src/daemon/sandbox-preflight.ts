// Before `once` or `start` runs anything: a config that needs commands (a goal check, or `run` with allowlisted programs) under sandbox mode "bwrap" without a usable bwrap is an operator error, told at once.
import type { Config } from "../config.js";
import { loadGoals } from "../memory/goals-file.js";
import { describeSandboxStatus, probeSandbox } from "../tools/sandbox-probe.js";
import { findSandboxProblem, type SandboxSettings } from "../tools/sandbox-settings.js";

/** `ok` with a line for the log, or the message to print before exiting 2. */
export type SandboxPreflight = { ok: true; note: string; level: "info" | "warn" } | { ok: false; message: string };

/**
 * Whether commands can run as `config` says. Goals are read from `goalsFile`; one that cannot be read counts as
 * needing no check here (the cycle reports it). `settings` defaults to `config.sandbox`.
 */
export async function checkSandboxPreflight(
  config: Config,
  goalsFile: string,
  settings: SandboxSettings = config.sandbox,
): Promise<SandboxPreflight> {
  if (settings.mode === "none") {
    return {
      ok: true,
      level: "warn",
      note: 'sandbox.mode is "none": commands and goal checks run without an OS sandbox, behind the argument rules only',
    };
  }
  const needs = await describeCommandNeeds(config, goalsFile);
  const problem = await findSandboxProblem(settings);
  if (problem === undefined)
    return {
      ok: true,
      level: "info",
      note: `commands and checks run in the sandbox: ${describeSandboxStatus(await probeSandbox(settings.bwrapPath))}`,
    };
  if (needs === undefined)
    return { ok: true, level: "warn", note: `${problem} (no command or goal check is configured yet)` };
  return { ok: false, message: `${needs}, but commands cannot run: ${problem}` };
}

/** What in the config runs commands, or `undefined` when nothing does. */
async function describeCommandNeeds(config: Config, goalsFile: string): Promise<string | undefined> {
  const goals = await loadGoals(goalsFile);
  const checked = goals.ok ? goals.goals.filter((goal) => goal.check !== undefined).map((goal) => goal.id) : [];
  if (checked.length > 0)
    return `goal${checked.length === 1 ? "" : "s"} ${checked.join(", ")} ha${checked.length === 1 ? "s" : "ve"} a check`;
  const runEnabled = config.tools.enabled.includes("run");
  if (runEnabled && config.tools.allowCommands.length > 0)
    return `the run tool is enabled with ${config.tools.allowCommands.length} allowlisted command(s)`;
  return undefined;
}
