// runCycle(deps): wake → sense → gate → recall → act → verify → reflect → record, with unload as soon as the model is done; each stage is a named call into its own module, and every record goes through the ledger.
import type { LearningDelta } from "../learning/types.js";
import { CycleLedger } from "../record/ledger.js";
import type { CycleOutcome } from "../record/cycle-outcome.js";
import { admitFit, gate, sizeModel } from "../sense/gate-cycle.js";
import { sense } from "../sense/sense.js";
import { verify } from "../verify/verify-goals.js";
import { act, describeActFailure, offeredTools, type Acted } from "./act.js";
import { startCycleDeadline } from "./cycle-deadline.js";
import type { CycleDeps } from "./cycle-deps.js";
import type { CycleResult } from "./cycle-result.js";
import { judgeGoals, summarizeCycle } from "./goal-verdicts.js";
import { recall } from "./recall-memory.js";
import { reflect, reflectWithModel } from "./reflect-cycle.js";
import { unload } from "./unload.js";
import { wake } from "./wake.js";

export type { CycleDeps } from "./cycle-deps.js";
export type { CycleProgress, CycleResult } from "./cycle-result.js";

/** Runs one cycle. Throws only for broken invariants (a state dir that cannot be written); model and tool trouble is data. */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const { config } = deps;
  const ledger = new CycleLedger(deps);
  const woken = await wake(deps, ledger);
  if (!woken.ok) return woken.result;
  const sensed = await sense(deps, ledger, woken);
  const admitted = await gate(deps, ledger, sensed);
  if (!admitted.run) return admitted.result;
  const { modelPath, sensors } = admitted;

  // The cycle starts here: the model's process starts and sizes the model, and the prompt's memory is recalled
  // meanwhile. Neither waits for the other (the prompt does not depend on the context size), so recall costs the
  // cycle no time of its own; if the model does not fit, the recalled prompt is dropped unused.
  const startedAt = deps.clock();
  const startedMs = performance.now();
  // The deadline starts with the cycle: sizing, loading (the chat template's checks too) and every step run under it.
  const deadline = startCycleDeadline(config.limits.cycleTimeoutMs, deps.signal);
  const learning = config.learning.enabled ? ledger.learning : undefined;
  const tools = offeredTools(deps);
  const goals = sensed.dueGoals;
  const [sized, recalled] = await Promise.allSettled([
    sizeModel(deps, modelPath, sensors, deadline.signal),
    recall(deps, ledger, {
      startedAt,
      sensors,
      goals,
      inbox: woken.inbox,
      tools,
      ...(learning !== undefined ? { learning } : {}),
    }),
  ]);
  if (sized.status === "rejected") throw sized.reason;
  const fitted = await admitFit(deps, ledger, sized.value, sensors, deadline);
  if (!fitted.ok) return fitted.result;
  if (recalled.status === "rejected") throw recalled.reason;
  const { resources } = fitted;
  const cycle = await ledger.begin(startedAt);

  // Act, and let the model reflect on a failed step while it is loaded; then unload it, whatever happened.
  const worldInPrompt = woken.inbox.length > 0;
  let acted: Acted | undefined;
  let learned: LearningDelta[] = [];
  try {
    acted = await act(deps, ledger, {
      cycle,
      modelPath,
      resources,
      prompt: recalled.value,
      tools,
      goals,
      inbox: woken.inbox,
      ...(learning !== undefined ? { learning } : {}),
      signal: deadline.signal,
      checkDetails: sensed.checkDetails,
    });
    learned = await reflectWithModel(deps, {
      session: acted.loop.session,
      learning,
      loop: acted.loop,
      worldInPrompt,
      cycle,
      signal: deadline.signal,
    });
  } finally {
    await unload(deps, cycle, acted?.loop.session);
  }
  const { loop } = acted;
  const failure = describeActFailure(acted, deadline, config.limits.cycleTimeoutMs);
  const stopped = failure?.startsWith("aborted") === true;

  // Verify: the goals' own checks decide what was achieved, whatever the model claimed.
  const checks = await verify(deps, ledger, {
    goals,
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
  learned = await reflect(deps, { learning, loop, checks, goals, cycle, stopped, earlier: learned });

  const outcome: CycleOutcome = {
    cycle,
    startedAt,
    durationMs: Math.round(performance.now() - startedMs),
    ...(failure !== undefined ? { failure } : {}),
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

/** The result of a cycle recorded with `outcome`: failed with its failure, else ran. */
function resultOf(outcome: CycleOutcome, journalFile: string): CycleResult {
  const { cycle, failure, summary, steps } = outcome;
  if (failure !== undefined) return { status: "failed", reason: failure, cycle };
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
  };
}
