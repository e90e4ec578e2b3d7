// The gate stage: whether this cycle may load the model (work to do, not too hot, a usable model file), then the context and threads sized to the board's free RAM and heat.
import { describeModelFileProblem, NO_MODEL_MESSAGE } from "../brain/model-file-problem.js";
import type { CycleDeps } from "../cycle/cycle-deps.js";
import { describeDeadlineFailure, type CycleDeadline } from "../cycle/cycle-deadline.js";
import { describeReason } from "../cycle/act-loop.js";
import type { CycleResult } from "../cycle/cycle-result.js";
import type { CycleResources } from "../record/cycle-outcome.js";
import type { CycleLedger } from "../record/ledger.js";
import { chooseThreads, fitContext, type ContextFit } from "./fit-resources.js";
import { decideGate, findNothingToDo } from "./gate.js";
import type { Sensors } from "./read-sensors.js";
import type { Sensed } from "./sense.js";

/** The gate's answer before the cycle starts: go with the model file and the reading, or the cycle's result. */
export type Admission = { run: true; modelPath: string; sensors: Sensors } | { run: false; result: CycleResult };

/**
 * Work first (an idle wake is a quiet skip), then heat and RAM, then the model file: none configured, or a file that is
 * missing, fails the cycle as the operator's to fix (`operatorError`: `once` exits 2, the daemon logs the "fix the
 * model" line at each wake until the file is fixed). A file that is there but not a usable GGUF is found by sizeModel.
 */
export async function gate(deps: CycleDeps, ledger: CycleLedger, sensed: Sensed): Promise<Admission> {
  const work = { dueGoals: sensed.dueGoals.length, inboxMessages: sensed.inboxMessages };
  const idle = findNothingToDo(work);
  if (idle !== undefined) return { run: false, result: await ledger.recordSkip(idle.reason, idle.detail) };
  const { sensors } = sensed;
  if (sensors === undefined) throw new Error("gate: the sense stage read no sensors although there is work");
  const { limits } = deps.config;
  const early = decideGate({
    work,
    cpuTempC: sensors.cpuTempC,
    maxTempC: limits.maxTempC,
    availableRamMB: sensors.availableRamMB,
    reserveRamMB: limits.reserveRamMB,
  });
  if (!early.run) return { run: false, result: await ledger.recordSkip(early.reason, early.detail, sensors) };
  const modelPath = deps.modelPath;
  if (modelPath === undefined)
    return { run: false, result: { status: "failed", reason: NO_MODEL_MESSAGE, operatorError: true } };
  // Only the file's presence here; its header is read under the cycle's deadline, in sizeModel.
  const modelProblem = await describeModelFileProblem(modelPath);
  if (modelProblem !== undefined)
    return { run: false, result: { status: "failed", reason: modelProblem, operatorError: true } };
  return { run: true, modelPath, sensors };
}

/** What sizing found: the fit, or a model file that is not a usable GGUF (the "fix the model" line). */
export type SizedModel = ContextFit | { ok: false; kind: "fix-the-model"; detail: string };

/**
 * Reads the model file's header as doctor does (in the model process, when the brain can; see
 * `Brain.inspectModelFile`), then sizes the context to the board before loading, from the GGUF's metadata (the memory
 * at each context size); both under `signal`, the cycle's deadline.
 */
export async function sizeModel(
  deps: CycleDeps,
  modelPath: string,
  sensors: Sensors,
  signal: AbortSignal,
): Promise<SizedModel> {
  const { brain, config } = deps;
  const inspect = brain.inspectModelFile?.bind(brain);
  const problem = await describeModelFileProblem(
    modelPath,
    inspect !== undefined ? (file) => inspect(file, signal) : undefined,
  );
  if (problem !== undefined) return { ok: false, kind: "fix-the-model", detail: problem };
  return fitContext({
    configured: config.model.contextSize,
    floor: config.limits.minContextSize,
    availableRamMB: sensors.availableRamMB,
    reserveRamMB: config.limits.reserveRamMB,
    estimate: async (contextSize) => {
      const result = await deps.brain.estimate(modelPath, contextSize, signal);
      return result.ok
        ? {
            ok: true,
            contextSize: result.estimate.contextSize,
            neededRamMB: Math.ceil(result.estimate.totalBytes / (1024 * 1024)),
          }
        : result;
    },
  });
}

/** The resources the cycle runs with, and the notes on how they were cut; or the cycle's result when the model does not fit. */
export type Fitted = { ok: true; resources: CycleResources; notes: string[] } | { ok: false; result: CycleResult };

/**
 * Turns the sizing's `fit` into the cycle's resources (threads cut when warm; each cut logged), or into its result: a
 * skip when the stop came during the estimate (that is the shutdown, not a bad model) or the RAM is short, a failure
 * when the deadline passed or the model is bad: the operator's to fix (`operatorError`) when the file is not a usable
 * GGUF.
 */
export async function admitFit(
  deps: CycleDeps,
  ledger: CycleLedger,
  fit: SizedModel,
  sensors: Sensors,
  deadline: CycleDeadline,
): Promise<Fitted> {
  const { config } = deps;
  if (!fit.ok && deps.signal?.aborted === true)
    return {
      ok: false,
      result: await ledger.recordSkip(
        "stopping",
        `${describeReason(deps.signal.reason)} while sizing the model (${fit.detail})`,
      ),
    };
  if (!fit.ok && deadline.passed())
    return {
      ok: false,
      result: { status: "failed", reason: describeDeadlineFailure("sizing", config.limits.cycleTimeoutMs) },
    };
  if (!fit.ok && fit.kind === "fix-the-model")
    return { ok: false, result: { status: "failed", reason: fit.detail, operatorError: true } };
  if (!fit.ok && fit.kind === "bad-model") return { ok: false, result: { status: "failed", reason: fit.detail } };
  if (!fit.ok) return { ok: false, result: await ledger.recordSkip("low-memory", fit.detail, sensors) };
  const threadChoice = chooseThreads(config.model.threads, sensors.cpuTempC, config.limits.softTempC);
  const notes = [fit.note, threadChoice.note].filter((note): note is string => note !== undefined);
  for (const note of notes) deps.logger.info(note);
  return {
    ok: true,
    resources: { contextSize: fit.contextSize, threads: threadChoice.threads, neededRamMB: fit.neededRamMB },
    notes,
  };
}
