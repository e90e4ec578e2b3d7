// The verify stage: the goals' own check commands decide what was achieved, whatever the model claimed; each check run is emitted as an event, which the ledger records.
import path from "node:path";
import type { ActLoopResult } from "../cycle/act-loop.js";
import type { CycleDeps } from "../cycle/cycle-deps.js";
import { runCheck, type CheckResult } from "../cycle/run-check.js";
import type { Goal } from "../memory/goals-file.js";
import type { CycleLedger } from "../record/ledger.js";
import { firstLine } from "../text/first-line.js";

/** One goal's check as the cycle reports it: the goal, whether it passed, and how it ended in a few words. */
export interface CheckRun {
  goal: string;
  passed: boolean;
  detail: string;
}

/** What the checks run with: the workspace and the command limits and sandbox of the config. */
export type VerifyDeps = Pick<CycleDeps, "paths" | "config" | "events">;

/** Runs the checks of `goals` (those without one are passed over) and emits each as `check-done` (the ledger records it). */
export async function runGoalChecks(
  deps: VerifyDeps,
  ledger: CycleLedger,
  goals: readonly Goal[],
): Promise<Array<CheckResult & CheckRun>> {
  const results: Array<CheckResult & CheckRun> = [];
  for (const goal of goals) {
    if (goal.check === undefined) continue;
    const result = await runCheck(goal.check, {
      cwd: deps.paths.workspace,
      timeoutMs: deps.config.limits.commandTimeoutMs,
      maxOutputBytes: deps.config.limits.maxOutputBytes,
      sandbox: deps.config.sandbox,
      readOnlyDirs: deps.config.tools.commandDirs.map((dir) => path.resolve(deps.paths.root, dir)),
    });
    const detail = result.passed
      ? `exit 0`
      : `${result.exitDescription}${result.output ? `: ${firstLine(result.output)}` : ""}`;
    results.push({ ...result, goal: goal.id, detail });
    await deps.events.emit({
      type: "check-done",
      cycle: ledger.currentCycle,
      ...(ledger.cycleRunning ? {} : { beforeCycle: true as const }),
      goal: goal.id,
      command: goal.check,
      result,
      detail,
    });
  }
  return results;
}

/**
 * The checks at a cycle's end (none for a cycle that was stopped: the world was left mid-way). One the loop made in
 * the workspace it left (`settled`) still holds and is reused with its detail from `details` (goal → detail of its
 * last check): a check is a command run in the workspace, and running it again would only cost a fork of the daemon.
 * The others run now.
 */
export async function verify(
  deps: VerifyDeps,
  ledger: CycleLedger,
  input: {
    goals: readonly Goal[];
    stopped: boolean;
    settled: ActLoopResult["settledChecks"];
    details: ReadonlyMap<string, string>;
  },
): Promise<CheckRun[]> {
  if (input.stopped) return [];
  const checks: CheckRun[] = [];
  for (const goal of input.goals.filter((each) => each.check !== undefined)) {
    const known = input.settled.find((check) => check.goal === goal.id);
    const detail = input.details.get(goal.id);
    if (known === undefined || detail === undefined) {
      checks.push(...(await runGoalChecks(deps, ledger, [goal])));
      continue;
    }
    const since =
      known.afterStep === 0
        ? "no step changed the workspace since the first check"
        : `checked after step ${known.afterStep}; no step changed the workspace since`;
    checks.push({ goal: goal.id, passed: known.passed, detail: `${detail} (${since})` });
  }
  return checks;
}
