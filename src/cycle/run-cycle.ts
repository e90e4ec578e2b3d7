// runCycle(deps): wake → sense → gate → recall → act → verify → reflect → record, with unload as soon as the model is done; each stage is a named call into its own module, and every record goes through the ledger.
import type { LearningDelta } from "../learning/types.js";
import { CycleLedger } from "../record/ledger.js";
import type { CycleOutcome } from "../record/cycle-outcome.js";
import { admitFit, gate, sizeModel, type Fitted } from "../sense/gate-cycle.js";
import type { Sensors } from "../sense/read-sensors.js";
import { sense, type Sensed } from "../sense/sense.js";
import { verify, type CheckRun } from "../verify/verify-goals.js";
import { act, describeActFailure, offeredTools, type Acted, type ActInput } from "./act.js";
import { startCycleDeadline, type CycleDeadline } from "./cycle-deadline.js";
import type { CycleDeps } from "./cycle-deps.js";
import type { CycleResult } from "./cycle-result.js";
import { judgeGoals, summarizeCycle, type GoalVerdict } from "./goal-verdicts.js";
import { recall, type RecallStageInput, type TurnPromptBuilder } from "./recall-memory.js";
import { reflect, reflectWithModel } from "./reflect-cycle.js";
import { unload } from "./unload.js";
import { wake } from "./wake.js";
import { summarizeCycleTokens } from "../record/cycle-tokens.js";

export type { CycleDeps } from "./cycle-deps.js";
export type { CycleResult } from "./cycle-result.js";

/**
 * Runs one cycle. Its ledger subscribes first to `deps.events` for the cycle's length, so each step and check is
 * recorded before any other listener hears of it. Throws only for broken invariants (a state dir that cannot be
 * written); model and tool trouble is data.
 */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const ledger = new CycleLedger(deps);
  const unsubscribe = deps.events.subscribe(ledger.take, { first: true });
  try {
    return await runStages(deps, ledger);
  } finally {
    unsubscribe();
  }
}

/** The stages in order: wake, sense, gate, recall, act, verify, reflect, record, with unload once the model is done. */
async function runStages(deps: CycleDeps, ledger: CycleLedger): Promise<CycleResult> {
  const { config } = deps;
  const woken = await wake(deps, ledger);
  if (!woken.ok) return woken.result;
  const sensed = await sense(deps, ledger, woken);
  const admitted = await gate(deps, ledger, sensed);
  if (!admitted.run) return admitted.result;
  const { modelPath, sensors } = admitted;

  // The cycle starts here: the model's process starts and sizes the model, and the prompt's memory is recalled
  // meanwhile (see sizeWhileRecalling).
  const startedAt = deps.clock();
  const startedMs = performance.now();
  // The deadline starts with the cycle: sizing, loading (the chat template's checks too) and every step run under it.
  const deadline = startCycleDeadline(config.limits.cycleTimeoutMs, deps.signal);
  const learning = config.learning.enabled ? ledger.learning : undefined;
  const goals = sensed.dueGoals;
  // What both the recall and the act stage draw on.
  const shared = {
    tools: offeredTools(deps),
    goals,
    inbox: woken.inbox,
    ...(learning !== undefined ? { learning } : {}),
  };
  const recallInput = { startedAt, sensors, charter: woken.charter, ...shared };
  const fitted = await sizeWhileRecalling(deps, ledger, admitted, deadline, recallInput);
  if (!fitted.ok) return fitted.result;
  const { resources, prompt } = fitted;
  const cycle = await ledger.begin(startedAt);

  // Act, and let the model reflect on a failed step while it is loaded; then unload it, whatever happened.
  const { acted, learned: reflected } = await actThenUnload(
    deps,
    ledger,
    { cycle, modelPath, resources, prompt, ...shared, signal: deadline.signal, checkDetails: sensed.checkDetails },
    woken.inbox.length > 0,
  );
  const { loop } = acted;
  const failure = describeActFailure(acted, deadline, config.limits.cycleTimeoutMs);
  // Cut short mid-step, by the stop or the deadline: the end's checks are not run.
  const stopped = failure?.startsWith("aborted") === true;
  // The daemon's stop, not the deadline, ended it: recorded as stopped, not failed.
  const stoppedByStop = failure !== undefined && deps.signal?.aborted === true && !deadline.passed();

  // Verify: the goals' own checks decide what was achieved, whatever the model claimed.
  const { checks, endedAt, verdicts, summary } = await verifyAndJudge(deps, ledger, sensed, loop, stopped);
  const learned = await reflect(deps, { learning, loop, checks, goals, cycle, stopped, earlier: reflected });

  const outcome: CycleOutcome = {
    cycle,
    startedAt,
    durationMs: Math.round(performance.now() - startedMs),
    ...(failure !== undefined ? { failure } : {}),
    ...(stoppedByStop ? { stopped: true as const } : {}),
    due: sensed.allDue,
    verdicts,
    ...(summary !== undefined ? { summary } : {}),
    steps: loop.steps,
    checks,
    notes: [...fitted.notes, ...acted.notes],
    inbox: woken.inbox,
    learned,
    sensors,
    resources,
  };
  const { journalFile } = await ledger.finish(outcome, endedAt);
  return resultOf(outcome, journalFile);
}

/**
 * Sizes the model in its own process while the prompt's memory is recalled, then admits the fit. Neither waits for
 * the other (the prompt does not depend on the context size), so recall costs the cycle no time of its own; when the
 * model does not fit, the recalled prompt is dropped unused. A sizing throw is rethrown before the fit is admitted, a
 * recall throw only once the model fits.
 */
async function sizeWhileRecalling(
  deps: CycleDeps,
  ledger: CycleLedger,
  admitted: { modelPath: string; sensors: Sensors },
  deadline: CycleDeadline,
  recallInput: RecallStageInput,
): Promise<Exclude<Fitted, { ok: true }> | (Extract<Fitted, { ok: true }> & { prompt: TurnPromptBuilder })> {
  const { modelPath, sensors } = admitted;
  const [sized, recalled] = await Promise.allSettled([
    sizeModel(deps, modelPath, sensors, deadline.signal),
    recall(deps, ledger, recallInput),
  ]);
  if (sized.status === "rejected") throw sized.reason;
  const fitted = await admitFit(deps, ledger, sized.value, sensors, deadline);
  if (!fitted.ok) return fitted;
  if (recalled.status === "rejected") throw recalled.reason;
  return { ...fitted, prompt: recalled.value };
}

/**
 * Acts, and lets the model reflect on a failed step while it is still loaded; then unloads the model whatever happened
 * (a throw included), so its memory goes back to the board before the checks run. Returns the act's result and the
 * model's lessons (none or one).
 */
async function actThenUnload(
  deps: CycleDeps,
  ledger: CycleLedger,
  input: ActInput,
  worldInPrompt: boolean,
): Promise<{ acted: Acted; learned: LearningDelta[] }> {
  let acted: Acted | undefined;
  try {
    acted = await act(deps, ledger, input);
    const learned = await reflectWithModel(deps, {
      session: acted.loop.session,
      learning: input.learning,
      loop: acted.loop,
      worldInPrompt,
      cycle: input.cycle,
      signal: input.signal,
    });
    return { acted, learned };
  } finally {
    await unload(deps, input.cycle, acted?.loop.session);
  }
}

/**
 * Runs the goals' own checks (they decide what was achieved, whatever the model claimed), records the goals' attempts
 * at the end time, and judges every due goal. Returns the checks, the end time and the verdicts with their summary.
 */
async function verifyAndJudge(
  deps: CycleDeps,
  ledger: CycleLedger,
  sensed: Sensed,
  loop: Acted["loop"],
  stopped: boolean,
): Promise<{
  checks: CheckRun[];
  endedAt: string;
  verdicts: GoalVerdict[];
  summary: string | undefined;
}> {
  const checks = await verify(deps, ledger, {
    goals: sensed.dueGoals,
    stopped,
    settled: loop.settledChecks,
    details: sensed.checkDetails,
  });
  const endedAt = deps.clock().toISOString();
  ledger.recordAttempts(loop.goals, endedAt);
  const verdicts = judgeGoals({
    due: sensed.allDue,
    preChecks: sensed.preChecks,
    served: loop.goals,
    finalChecks: checks,
  });
  const summary = summarizeCycle(verdicts, loop.finishSummaries);
  return { checks, endedAt, verdicts, summary };
}

/** The result of a cycle recorded with `outcome`: stopped or failed with its failure, else ran. */
function resultOf(outcome: CycleOutcome, journalFile: string): CycleResult {
  const { cycle, failure, summary, steps } = outcome;
  if (failure !== undefined) return { status: outcome.stopped === true ? "stopped" : "failed", reason: failure, cycle };
  return {
    status: "ran",
    cycle,
    durationMs: outcome.durationMs,
    steps: steps.length,
    failedSteps: steps.filter((step) => !step.ok).length,
    checks: outcome.checks.map((check) => ({ goal: check.goal, passed: check.passed })),
    goals: outcome.verdicts,
    ...(summary !== undefined ? { summary } : {}),
    journalFile,
    tokens: summarizeCycleTokens(steps) ?? null,
  };
}
