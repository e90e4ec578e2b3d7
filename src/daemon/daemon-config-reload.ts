// Wires config reloading into a running daemon: which edits it refuses (the checks of `start`) and how a good one is put in force (the state's config and model path, the schedule).
import { describeModelFileProblem, NO_MODEL_MESSAGE, type InspectModelFile } from "../brain/model-file-problem.js";
import type { ConfigChange } from "../config-changes.js";
import { resolveModelPath, type Config } from "../config.js";
import type { Logger } from "../log.js";
import { ConfigReloader } from "./config-reloader.js";
import type { CycleScheduler } from "./cycle-scheduler.js";
import { findNextCronRun } from "./next-cron-run.js";
import type { OpenState } from "./open-state.js";
import { checkSandboxPreflight } from "./sandbox-preflight.js";

/** What {@link createDaemonConfigReloader} needs of the daemon. */
export interface DaemonConfigReloadDeps {
  /** The open state: its `config` and `modelPath` are replaced when an edit is applied. */
  state: OpenState;
  scheduler: CycleScheduler;
  /** `--model`, which wins over `model.path` while the daemon runs. */
  modelOverride?: string;
  /** Reads a new model file's header (in the model process), so a bad `model.path` is refused as `start` refuses it. */
  inspectModelFile?: InspectModelFile;
  logger: Logger;
  clock: () => Date;
}

/** A reloader for the daemon's config.json, starting from the config the state was opened with. */
export function createDaemonConfigReloader(deps: DaemonConfigReloadDeps): ConfigReloader {
  const { state, logger, clock } = deps;
  return new ConfigReloader({
    paths: state.paths,
    config: state.config,
    logger,
    clock,
    findProblem: (config, changes) => findReloadProblem(deps, config, changes),
    apply: (config, changes) => applyConfig(deps, config, changes),
  });
}

/**
 * Why the daemon could not work on `config`, checking only what `changes` touch, as `start` would refuse it: a
 * schedule with no next run, a model file that cannot be used, commands that the sandbox cannot run.
 */
async function findReloadProblem(
  deps: DaemonConfigReloadDeps,
  config: Config,
  changes: readonly ConfigChange[],
): Promise<string | undefined> {
  const { state, modelOverride, logger, clock } = deps;
  const touched = (prefix: string): boolean => changes.some((change) => change.key.startsWith(prefix));
  if (touched("schedule.cron")) {
    const next = findNextCronRun(config.schedule.cron, clock());
    if (!next.ok) return `schedule.cron: ${next.reason}`;
  }
  const modelPath = resolveModelPath(config, state.paths.root, modelOverride);
  if (modelPath !== state.modelPath) {
    const problem =
      modelPath === undefined ? NO_MODEL_MESSAGE : await describeModelFileProblem(modelPath, deps.inspectModelFile);
    if (problem !== undefined) return `model.path: ${problem}`;
  }
  if (touched("sandbox.") || touched("tools.")) {
    const sandbox = await checkSandboxPreflight(config, state.paths.goals);
    if (!sandbox.ok) return `sandbox: ${sandbox.message}`;
    if (touched("sandbox.")) logger[sandbox.level](sandbox.note);
  }
  return undefined;
}

/** Puts `config` in force and says how: the next cycle reads it, the schedule is re-armed, or a restart is needed. */
function applyConfig(deps: DaemonConfigReloadDeps, config: Config, changes: readonly ConfigChange[]): string[] {
  const { state, scheduler, modelOverride } = deps;
  const notes: string[] = [];
  state.config = config;
  state.modelPath = resolveModelPath(config, state.paths.root, modelOverride);
  if (changes.some((change) => change.applies === "next-cycle")) notes.push("in force from the next cycle");
  if (modelOverride !== undefined && changes.some((change) => change.key === "model.path"))
    notes.push(`--model ${modelOverride} still wins over model.path until the daemon starts without it`);
  for (const change of changes) {
    if (change.key === "schedule.cron") {
      const next = scheduler.reschedule(config.schedule.cron);
      notes.push(`the schedule is re-armed: next scheduled wake ${next?.toISOString() ?? "none"}`);
    } else if (change.key === "schedule.debounceMs") {
      scheduler.setDebounceMs(config.schedule.debounceMs);
      notes.push("the new debounce holds from the next change");
    } else if (change.applies === "restart") notes.push(`${change.key} is read at start: restart the daemon to use it`);
  }
  return notes;
}
