// The cycle's deadline: one signal, started with the cycle (before the model is sized), that aborts after
// limits.cycleTimeoutMs or on a stop; sizing, loading and every step run under it, and a cycle it cut off says where.

export interface CycleDeadline {
  /** Aborts when the time is up (a TimeoutError) or when `stop` aborts (with the stop's reason). */
  readonly signal: AbortSignal;
  /** True when the time limit ended the cycle rather than a stop. */
  passed(): boolean;
}

/** Starts the deadline now: `timeoutMs` from here, or sooner when `stop` aborts. */
export function startCycleDeadline(timeoutMs: number, stop?: AbortSignal): CycleDeadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: stop === undefined ? timeout : AbortSignal.any([timeout, stop]),
    passed: () => timeout.aborted && stop?.aborted !== true,
  };
}

/**
 * The failure reason of a cycle whose deadline passed before the model was ready: while its memory was estimated
 * (`sizing`) or while it was loaded and its chat template checked (`loading`). The brain's model process was killed.
 */
export function describeDeadlineFailure(phase: "sizing" | "loading", timeoutMs: number): string {
  const what = phase === "sizing" ? "reading the model file's header" : "model load or chat template";
  return `${what} took longer than limits.cycleTimeoutMs (${timeoutMs} ms); the model process was killed`;
}
