// Turns cron ticks, state-file changes, catch-ups and manual requests into cycles; at most one cycle runs at a time.
import type { Logger } from "../log.js";
import { CronTimer, type CronSlotFiring } from "./cron-timer.js";
import { describeError } from "../text/describe-error.js";

/** Why a cycle runs. `change` paths are relative to the state dir. */
export type WakeTrigger =
  | { kind: "schedule" }
  | { kind: "change"; paths: string[] }
  | { kind: "catch-up"; reason: string }
  | { kind: "manual" };

/** Options of {@link CycleScheduler}. */
export interface CycleSchedulerOptions {
  /** node-cron expression (5 fields, or 6 with seconds), in local time. */
  cronExpr: string;
  /** Quiet time after the last `change` wake before the cycle runs, in ms. */
  debounceMs: number;
  /**
   * Runs one cycle. Its errors are logged and never stop the schedule. To end a cycle early,
   * the caller aborts it through its own AbortController; {@link CycleScheduler.stop} only waits.
   */
  runCycle: (trigger: WakeTrigger) => Promise<void>;
  logger: Logger;
  /** Wall clock in ms, for the slot timer. Defaults to `Date.now`. */
  nowMs?: () => number;
}

/** Which trigger a coalesced follow-up reports: a change carries paths and implies work, so it wins. */
const KIND_PRECEDENCE: Record<WakeTrigger["kind"], number> = { change: 3, manual: 2, "catch-up": 1, schedule: 0 };

/**
 * Merges a trigger into a pending one, for the single follow-up run: `change` paths are
 * unioned (sorted); otherwise the kind with the higher precedence
 * (change > manual > catch-up > schedule) is kept, and the first reason of a catch-up.
 */
export function mergeWakeTriggers(pending: WakeTrigger | undefined, next: WakeTrigger): WakeTrigger {
  if (pending === undefined) return next;
  const paths = [...(pending.kind === "change" ? pending.paths : []), ...(next.kind === "change" ? next.paths : [])];
  if (pending.kind === "change" || next.kind === "change") return { kind: "change", paths: [...new Set(paths)].sort() };
  return KIND_PRECEDENCE[next.kind] > KIND_PRECEDENCE[pending.kind] ? next : pending;
}

/** A short description of a trigger for log lines. */
export function describeWakeTrigger(trigger: WakeTrigger): string {
  switch (trigger.kind) {
    case "change":
      return `change (${trigger.paths.join(", ")})`;
    case "catch-up":
      return `catch-up (${trigger.reason})`;
    case "schedule":
    case "manual":
      return trigger.kind;
  }
}

/**
 * Schedules cycles on a cron expression and runs them one at a time.
 *
 * Triggers that arrive while a cycle runs are coalesced into ONE follow-up run after it: a
 * slot that comes while a cycle runs is not dropped but becomes the follow-up. A slot that
 * passed while the timer could not fire (suspend, blocked event loop, clock jump) wakes a
 * `catch-up`.
 *
 * Idle cost: one timer to the next slot (see {@link CronTimer}, capped at an hour); a debounce
 * timer exists only while change wakes are pending.
 */
export class CycleScheduler {
  readonly #options: CycleSchedulerOptions;
  /** The schedule and debounce in force: the options' at first, then what {@link reschedule} and {@link setDebounceMs} set. */
  #cronExpr: string;
  #debounceMs: number;
  #phase: "new" | "started" | "stopped" = "new";
  #timer: CronTimer | undefined;
  /** True from the moment a run is launched until its follow-ups are drained; set synchronously. */
  #busy = false;
  #drained: Promise<void> | undefined;
  #followUp: WakeTrigger | undefined;
  #debounceTimer: NodeJS.Timeout | undefined;
  #debounceDueAtMs: number | undefined;
  readonly #pendingChangePaths = new Set<string>();

  constructor(options: CycleSchedulerOptions) {
    checkDebounceMs(options.debounceMs);
    this.#options = options;
    this.#cronExpr = options.cronExpr;
    this.#debounceMs = options.debounceMs;
  }

  /** Arms the timer to the first slot. Throws on an invalid expression, or when called after {@link stop}. */
  start(): void {
    if (this.#phase === "stopped") throw new Error("CycleScheduler cannot start again after stop()");
    if (this.#phase === "started") return;
    this.#timer = this.#createTimer(this.#cronExpr);
    this.#phase = "started";
    const next = this.nextWakeAt();
    this.#options.logger.info(
      `scheduler started: "${this.#cronExpr}", next wake ${next ? next.toISOString() : "unknown"}`,
    );
  }

  /**
   * Puts the schedule on `cronExpr` from now on: a started scheduler re-arms its timer to the new expression's next
   * slot (a running cycle goes on, a queued follow-up stays queued). Throws on an invalid expression or one with no
   * run in reach, and the old schedule stays armed then. Returns the next wake (`undefined` before start or after stop).
   */
  reschedule(cronExpr: string): Date | undefined {
    if (this.#phase === "started") {
      const timer = this.#createTimer(cronExpr);
      this.#timer?.stop();
      this.#timer = timer;
    }
    this.#cronExpr = cronExpr;
    return this.nextWakeAt();
  }

  /** Sets the quiet time for later `change` wakes, in ms; a debounce already waiting keeps its due time. */
  setDebounceMs(debounceMs: number): void {
    checkDebounceMs(debounceMs);
    this.#debounceMs = debounceMs;
  }

  #createTimer(cronExpr: string): CronTimer {
    const { logger, nowMs } = this.#options;
    return new CronTimer({
      cronExpr,
      nowMs,
      onSlot: (firing) => this.wake(slotTrigger(firing)),
      onError: (message) => logger.error(message),
    });
  }

  /**
   * Requests a cycle. `change` wakes wait until `debounceMs` passes without another change
   * (paths merged); other kinds run at once, or as the follow-up if a cycle is running.
   * Ignored after {@link stop}.
   */
  wake(trigger: WakeTrigger): void {
    if (this.#phase === "stopped") {
      this.#options.logger.debug(`scheduler stopped; ignoring wake: ${describeWakeTrigger(trigger)}`);
      return;
    }
    if (trigger.kind === "change") {
      this.#debounceChange(trigger.paths);
      return;
    }
    this.#request(trigger);
  }

  /**
   * Stops the cron task, drops pending debounced changes and the queued follow-up, and
   * resolves when the in-flight cycle (if any) has ended. Never rejects.
   */
  async stop(): Promise<void> {
    if (this.#phase !== "stopped") {
      this.#phase = "stopped";
      this.#timer?.stop();
      this.#timer = undefined;
      this.#clearDebounce();
      this.#pendingChangePaths.clear();
      if (this.#followUp)
        this.#options.logger.info(`scheduler stopping; dropped follow-up: ${describeWakeTrigger(this.#followUp)}`);
      this.#followUp = undefined;
    }
    await this.waitUntilIdle();
  }

  /** Resolves once no cycle runs and no follow-up is queued. Pending debounced changes are not waited for. */
  async waitUntilIdle(): Promise<void> {
    while (this.#drained) await this.#drained;
  }

  /** The earlier of the next cron slot and a pending debounced change; `undefined` when neither exists. */
  nextWakeAt(): Date | undefined {
    const candidates: number[] = [];
    const next = this.#phase === "started" ? this.#timer?.nextRunAt() : undefined;
    if (next) candidates.push(next.getTime());
    if (this.#debounceDueAtMs !== undefined) candidates.push(this.#debounceDueAtMs);
    return candidates.length === 0 ? undefined : new Date(Math.min(...candidates));
  }

  /** True while a cycle (or its queued follow-up) is running. */
  isRunning(): boolean {
    return this.#busy;
  }

  #debounceChange(paths: string[]): void {
    for (const changed of paths) this.#pendingChangePaths.add(changed);
    if (this.#debounceTimer) clearTimeout(this.#debounceTimer);
    const debounceMs = this.#debounceMs;
    this.#debounceDueAtMs = Date.now() + debounceMs;
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = undefined;
      this.#debounceDueAtMs = undefined;
      const settled = [...this.#pendingChangePaths].sort();
      this.#pendingChangePaths.clear();
      if (settled.length > 0) this.#request({ kind: "change", paths: settled });
    }, debounceMs);
  }

  #clearDebounce(): void {
    if (this.#debounceTimer) clearTimeout(this.#debounceTimer);
    this.#debounceTimer = undefined;
    this.#debounceDueAtMs = undefined;
  }

  #request(trigger: WakeTrigger): void {
    if (this.#busy) {
      this.#followUp = mergeWakeTriggers(this.#followUp, trigger);
      this.#options.logger.debug(`cycle running; queued follow-up: ${describeWakeTrigger(this.#followUp)}`);
      return;
    }
    // Set before anything awaits, so a wake from inside runCycle cannot start a second run.
    this.#busy = true;
    this.#drained = this.#drain(trigger);
  }

  async #drain(first: WakeTrigger): Promise<void> {
    try {
      let trigger: WakeTrigger | undefined = first;
      while (trigger) {
        await this.#runOnce(this.#absorbPendingChanges(trigger));
        trigger = this.#phase === "stopped" ? undefined : this.#followUp;
        this.#followUp = undefined;
      }
    } finally {
      this.#busy = false;
      this.#drained = undefined;
    }
  }

  /**
   * Folds debounced changes into a run that starts anyway: the watcher reports only files
   * whose writes finished, and the run reads them, so a second model load would be waste.
   */
  #absorbPendingChanges(trigger: WakeTrigger): WakeTrigger {
    if (this.#pendingChangePaths.size === 0) return trigger;
    const paths = [...this.#pendingChangePaths];
    this.#pendingChangePaths.clear();
    this.#clearDebounce();
    return mergeWakeTriggers(trigger, { kind: "change", paths });
  }

  async #runOnce(trigger: WakeTrigger): Promise<void> {
    const { logger, runCycle } = this.#options;
    const startedMs = Date.now();
    logger.info(`cycle starting: ${describeWakeTrigger(trigger)}`);
    try {
      await runCycle(trigger);
      logger.info(`cycle ended after ${Date.now() - startedMs} ms`);
    } catch (error) {
      logger.error(
        `cycle (${describeWakeTrigger(trigger)}) failed after ${Date.now() - startedMs} ms: ${describeError(error, { stack: true })}`,
      );
    }
  }
}

function checkDebounceMs(debounceMs: number): void {
  if (!(debounceMs >= 0) || !Number.isFinite(debounceMs))
    throw new Error(`debounceMs must be a finite number >= 0, got ${debounceMs}`);
}

/** A fired slot as a wake: on time it is the schedule; late, a catch-up that says which slot was missed and by how much. */
function slotTrigger(firing: CronSlotFiring): WakeTrigger {
  if (firing.kind === "on-time") return { kind: "schedule" };
  return {
    kind: "catch-up",
    reason: `the ${firing.slot.toISOString()} slot passed ${Math.round(firing.lateMs / 1000)} s before the timer could fire`,
  };
}
