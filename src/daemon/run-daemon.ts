// The daemon: one lock, cycles on the cron schedule and on inbox/operator/goals/charter changes, config.json read again when saved, catch-up at start, graceful stop on SIGTERM/SIGINT.
import { printErr } from "../cli/terminal-output.js";
import { WorkerBrain } from "../brain/worker-brain.js";
import { describeModelFileProblem, NO_MODEL_MESSAGE } from "../brain/model-file-problem.js";
import type { CycleResult } from "../cycle/cycle-result.js";
import type { CycleEvents } from "../events/cycle-events.js";
import type { Logger } from "../log.js";
import { listWaitingInbox } from "../memory/inbox.js";
import { listWaitingOperator } from "../memory/operator-channel.js";
import type { ServeOptions } from "../serve/serve-options.js";
import type { StatusServer } from "../serve/status-server.js";
import { shouldCatchUp, scheduleIntervalMs } from "./catch-up.js";
import { CycleScheduler, describeWakeTrigger, type WakeTrigger } from "./cycle-scheduler.js";
import { openState, StateError, type OpenState } from "./open-state.js";
import { runStateCycle } from "./run-state-cycle.js";
import { createDaemonConfigReloader } from "./daemon-config-reload.js";
import { checkSandboxPreflight } from "./sandbox-preflight.js";
import { acquireStateLock } from "./state-lock.js";
import { CONFIG_FILE_NAME, watchStateInputs } from "./state-watcher.js";

export interface DaemonOptions {
  stateDir: string;
  modelOverride?: string;
  logger: Logger;
  clock: () => Date;
  /** Observes each cycle's result (tests, a future status page). */
  onCycle?: (result: CycleResult) => void;
  /** The stream every cycle's events go through (the log's progress lines, tests); a quiet one when absent. */
  events?: CycleEvents;
  /** Also serve the read-only status page while the daemon runs (`start --serve`); closed on stop. */
  serve?: ServeOptions;
}

/**
 * Why the daemon cannot do its work on `state`, said at start rather than at the first due goal: no model or a file
 * that is not a usable GGUF (read in a model process: "fix the model", as `once` says it), no sandbox
 * for the commands and checks the config has, or no usable llama.cpp binding (checked in a model process, as the
 * cycles will use it). `undefined` when it can start; the sandbox in force is logged then.
 */
async function findStartProblem(state: OpenState, brain: WorkerBrain, logger: Logger): Promise<string | undefined> {
  const modelProblem =
    state.modelPath === undefined
      ? NO_MODEL_MESSAGE
      : await describeModelFileProblem(state.modelPath, (file) => brain.inspectModelFile(file));
  if (modelProblem !== undefined) return modelProblem;
  const sandbox = await checkSandboxPreflight(state.config, state.paths.goals);
  if (!sandbox.ok) return sandbox.message;
  logger[sandbox.level](sandbox.note);
  const binding = await brain.checkBinding();
  return binding.ok ? undefined : binding.reason;
}

/** A daemon that got past its start: the lock, the open state, the model process and the status page, if served. */
interface StartedDaemon {
  state: OpenState;
  brain: WorkerBrain;
  status: { server: StatusServer } | undefined;
  releaseLock: () => Promise<void>;
}

/**
 * Runs until SIGTERM/SIGINT. Resolves with the exit code: 0 after a clean stop, 2 when the operator must fix
 * something first (lock held, bad config, no model). A second signal during shutdown exits at once.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const { logger, clock } = options;
  const started = await startDaemon(options);
  if (typeof started === "number") return started;
  const { state, brain, status } = started;
  const shutdown = new AbortController();
  const scheduler: CycleScheduler = new CycleScheduler({
    cronExpr: state.config.schedule.cron,
    debounceMs: state.config.schedule.debounceMs,
    logger,
    runCycle: async (trigger): Promise<void> => {
      // An edit holds from the next cycle even when its watch event was missed.
      await config.check();
      await runScheduledCycle(options, {
        state,
        brain,
        stop: shutdown.signal,
        trigger,
        nextWakeAt: () => scheduler.nextWakeAt(),
      });
    },
  });
  const config = createDaemonConfigReloader({
    state,
    scheduler,
    logger,
    clock,
    inspectModelFile: (file) => brain.inspectModelFile(file),
    ...(options.modelOverride !== undefined ? { modelOverride: options.modelOverride } : {}),
  });
  const watcher = await watchStateInputs({
    stateDir: state.paths.root,
    logger,
    onChange: (paths) => {
      // config.json is read again at once; it wakes no cycle by itself.
      const inputs = paths.filter((changed) => changed !== CONFIG_FILE_NAME);
      if (inputs.length < paths.length) void config.check();
      if (inputs.length > 0) scheduler.wake({ kind: "change", paths: inputs });
    },
  });
  await watcher.ready;
  scheduler.start();
  logger.info(
    `apprentice started on ${state.paths.root} (pid ${process.pid}), model ${state.modelPath}, schedule "${state.config.schedule.cron}"`,
  );
  await wakeAtStart(state, scheduler, clock(), logger);
  await waitForStop(shutdown, logger);
  await brain.close();
  await status?.server.close();
  await watcher.close();
  await scheduler.stop();
  // Nothing asks for a read any more: the last one ends before the lock is released.
  await config.settled();
  await state.close();
  await started.releaseLock();
  logger.info("apprentice stopped cleanly");
  return 0;
}

/**
 * Takes the lock, opens the state, checks that the daemon can do its work and starts the status page when asked.
 * Returns the started daemon, or the exit code (2) after saying what the operator must fix; nothing is left held then.
 */
async function startDaemon(options: DaemonOptions): Promise<StartedDaemon | number> {
  const { logger, clock } = options;
  const lock = await acquireStateLock(options.stateDir, {
    logger,
    ...(options.modelOverride !== undefined ? { model: options.modelOverride } : {}),
  });
  if (!lock.ok) {
    printErr(`apprentice: ${lock.message}\n`);
    return 2;
  }
  let released = false;
  const releaseLock = async (): Promise<void> => {
    if (released) return;
    released = true;
    await lock.release();
  };

  let state;
  try {
    state = await openState(options.stateDir, {
      ...(options.modelOverride !== undefined ? { modelOverride: options.modelOverride } : {}),
      logger,
      clock,
    });
  } catch (error) {
    await releaseLock();
    if (error instanceof StateError) {
      printErr(`apprentice: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const warning of state.warnings) logger.warn(warning);

  // The model runs in a child process per cycle (see WorkerBrain), so the idle daemon never holds node-llama-cpp, the
  // binding or a model, and each cycle's memory goes back to the OS when its model process ends.
  const brain = new WorkerBrain(logger);
  const startProblem = await findStartProblem(state, brain, logger);
  // The status page's code (http, rendering, charts) is loaded only when it is served.
  const status =
    startProblem !== undefined || options.serve === undefined
      ? undefined
      : await (
          await import("../serve/status-server.js")
        ).startStatusServer({ ...options.serve, stateDir: state.paths.root, logger, clock });
  const problem = startProblem ?? (status !== undefined && !status.ok ? status.message : undefined);
  if (problem !== undefined) {
    printErr(`apprentice: ${problem}\n`);
    await state.close();
    await releaseLock();
    return 2;
  }
  if (status !== undefined && status.ok)
    logger.info(`status page at ${status.server.url}${options.serve?.token !== undefined ? " (token required)" : ""}`);
  return { state, brain, status: status !== undefined && status.ok ? status : undefined, releaseLock };
}

/** One scheduled cycle: runs it on the state, logs how it ended and the memory after it, and the next wake. */
async function runScheduledCycle(
  options: DaemonOptions,
  run: {
    state: OpenState;
    brain: WorkerBrain;
    stop: AbortSignal;
    trigger: WakeTrigger;
    nextWakeAt: () => Date | undefined;
  },
): Promise<void> {
  const { logger, clock } = options;
  logger.debug(`cycle for ${describeWakeTrigger(run.trigger)}`);
  const result = await runStateCycle(run.state, {
    brain: run.brain,
    logger,
    clock,
    signal: run.stop,
    ...(options.events !== undefined ? { events: options.events } : {}),
  });
  // A cycle cut short by SIGTERM/SIGINT is the stop working; the other skips were logged by the cycle itself.
  if (result.status === "stopped" || (result.status === "failed" && run.stop.aborted))
    logger.info(`cycle${result.cycle !== undefined ? ` ${result.cycle}` : ""} stopped: ${result.reason}`);
  else if (result.status === "failed") logger.error(`cycle failed: ${result.reason}`);
  else if (result.status === "skipped" && result.reason === "nothing-to-do")
    logger.info(`cycle skipped (${result.reason}): ${result.detail}`);
  options.onCycle?.(result);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  const memory = process.memoryUsage();
  logger.debug(
    `memory after cycle: rss ${(memory.rss / 1048576).toFixed(1)} MB, heap ${(memory.heapUsed / 1048576).toFixed(1)} MB, external ${(memory.external / 1048576).toFixed(1)} MB`,
  );
  const next = run.nextWakeAt();
  if (next !== undefined) logger.info(`next scheduled wake: ${next.toISOString()}`);
}

/**
 * The wake at start: an interrupted last cycle is recorded now, files that arrived while no daemon ran are work now
 * (they raise no watcher event), and a missed scheduled slot is caught up when config.schedule.catchUp says so.
 */
async function wakeAtStart(state: OpenState, scheduler: CycleScheduler, now: Date, logger: Logger): Promise<void> {
  const lastCycleAt = state.db.data.cycle.lastEndedAt ?? state.db.data.cycle.lastStartedAt;
  const catchUp = shouldCatchUp({
    lastCycleAt: lastCycleAt !== undefined ? new Date(lastCycleAt) : undefined,
    now,
    intervalMs: scheduleIntervalMs(state.config.schedule.cron, now),
  });
  const waiting = [
    ...(await listWaitingInbox(state.paths.inbox)).map((name) => `inbox/${name}`),
    ...(await listWaitingOperator(state.paths.operator)).map((name) => `operator/${name}`),
  ];
  if (state.db.data.cycle.inProgress !== undefined)
    scheduler.wake({ kind: "catch-up", reason: "the last cycle was interrupted" });
  else if (waiting.length > 0) scheduler.wake({ kind: "change", paths: waiting });
  else if (state.config.schedule.catchUp && catchUp.catchUp)
    scheduler.wake({ kind: "catch-up", reason: catchUp.reason });
  else logger.info(`next scheduled wake: ${scheduler.nextWakeAt()?.toISOString() ?? "none"}`);
}

/** Resolves at the first SIGTERM/SIGINT, after aborting `shutdown` (a running cycle ends at once); a second signal exits at once. */
function waitForStop(shutdown: AbortController, logger: Logger): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (shutdown.signal.aborted) {
        logger.warn(`${signal} again: exiting now`);
        process.exit(130);
      }
      logger.info(
        `${signal} received: stopping (a running cycle ends at once and is recorded as stopped), unloading the model, releasing the lock`,
      );
      shutdown.abort(new Error(`stopped by ${signal}`));
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
