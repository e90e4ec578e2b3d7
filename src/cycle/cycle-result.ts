// What a cycle returns: plain data, shared by the cycle, the daemon, the CLI and the gym.
import type { GoalVerdict } from "../memory/db.js";
import type { CycleTokens } from "../memory/db-schema.js";
import type { SkipReason } from "../sense/gate.js";

/** A cycle that did not start: the reason code and the figures behind it. */
export interface SkippedCycle {
  status: "skipped";
  reason: SkipReason;
  detail: string;
}

/** A cycle that failed: before it got a number (no `cycle`), or after. */
export interface FailedCycle {
  status: "failed";
  reason: string;
  cycle?: number;
  /** The operator must fix something first (no model configured, an unreadable goals.yaml): retrying will not help. */
  operatorError?: true;
}

/** A cycle the daemon's stop (SIGTERM/SIGINT, `deps.signal`) cut short after it got its number; recorded as stopped. */
export interface StoppedCycle {
  status: "stopped";
  /** What the cycle was doing when stopped, e.g. `aborted: stopped by SIGTERM`. */
  reason: string;
  cycle: number;
}

/** A cycle that ran to its end and was recorded. */
export interface RanCycle {
  status: "ran";
  cycle: number;
  durationMs: number;
  steps: number;
  failedSteps: number;
  checks: Array<{ goal: string; passed: boolean }>;
  /** Each goal due at the cycle's start, in serving order, with its verdict. */
  goals: GoalVerdict[];
  /** `1 of 2 goals met` (see `summarizeCycle`), then the model's own words; the model's words alone with no goal. */
  summary?: string;
  journalFile: string;
  /**
   * The token cost of the steps the model decided (see `CycleTokens`); `null` when the model decided none (every goal
   * met before any work, or by a skill's replay). Absent from a result made without the model's figures (the gym's).
   */
  tokens?: CycleTokens | null;
}

/** How one cycle ended. Expected outcomes (a skip, a model or tool failure) are data, never a throw. */
export type CycleResult = RanCycle | SkippedCycle | FailedCycle | StoppedCycle;
