// One timer to the next slot of a cron expression, re-armed after each slot; while armed it is the only timer the idle daemon keeps.
import { findNextCronRun } from "./next-cron-run.js";

/** What woke a {@link CronTimer}: its slot on time, or a slot that passed long before the timer could fire. */
export type CronSlotFiring = { kind: "on-time"; slot: Date } | { kind: "late"; slot: Date; lateMs: number };

/** Options of {@link CronTimer}. */
export interface CronTimerOptions {
  /** node-cron expression (5 fields, or 6 with seconds), in local time. */
  cronExpr: string;
  /** Called once per fired slot; it must return at once (the timer is re-armed before it runs). */
  onSlot: (firing: CronSlotFiring) => void;
  /** Logs a schedule that has no next run. */
  onError: (message: string) => void;
  /** Wall clock in ms. Defaults to `Date.now`. */
  nowMs?: () => number;
}

/** Longest single wait, in ms. A slot further away is re-checked against the wall clock after this, so a clock that jumps (NTP after a boot without RTC) or a suspend is noticed within the hour. */
export const MAX_WAIT_MS = 60 * 60 * 1000;

/** How late a slot may fire and still count as on time, in ms. Later, it was missed: the machine slept, the event loop was blocked, or the clock jumped forward. */
export const LATE_AFTER_MS = 60 * 1000;

/**
 * Fires `onSlot` at each run of a cron expression. Between slots it holds one `setTimeout`, to the
 * next slot or {@link MAX_WAIT_MS}, whichever is sooner; nothing else runs while it waits.
 *
 * Slots that pass while the timer cannot fire are reported once, as a single `late` firing for the
 * most recent one, never replayed one by one. A wall clock that moved back is followed: an early
 * firing recomputes the next slot from the new time.
 */
export class CronTimer {
  readonly #options: CronTimerOptions;
  readonly #nowMs: () => number;
  #slot: Date | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** Throws when `cronExpr` is invalid or has no run in reach, so a bad schedule fails at start. */
  constructor(options: CronTimerOptions) {
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    const first = findNextCronRun(options.cronExpr, new Date(this.#nowMs()));
    if (!first.ok) throw new Error(first.reason);
    this.#slot = first.at;
    this.#arm();
  }

  /** The slot the timer waits for; `undefined` once stopped. */
  nextRunAt(): Date | undefined {
    return this.#slot;
  }

  /** Clears the timer; no slot fires afterwards. */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#slot = undefined;
  }

  #arm(): void {
    if (this.#slot === undefined) return;
    const waitMs = Math.min(Math.max(0, this.#slot.getTime() - this.#nowMs()), MAX_WAIT_MS);
    this.#timer = setTimeout(() => this.#fire(), waitMs);
  }

  #fire(): void {
    this.#timer = undefined;
    const slot = this.#slot;
    if (slot === undefined) return;
    const nowMs = this.#nowMs();
    const lateMs = nowMs - slot.getTime();
    // Before the slot: a capped wait, or the clock moved back. Either way the slot is found again from now.
    const next = findNextCronRun(
      this.#options.cronExpr,
      new Date(lateMs < 0 ? nowMs - 1 : Math.max(nowMs, slot.getTime())),
    );
    this.#slot = next.ok ? next.at : undefined;
    if (!next.ok) this.#options.onError(`the schedule stopped: ${next.reason}`);
    this.#arm();
    if (lateMs < 0) return;
    this.#options.onSlot(lateMs <= LATE_AFTER_MS ? { kind: "on-time", slot } : { kind: "late", slot, lateMs });
  }
}
