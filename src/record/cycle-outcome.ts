// What a finished cycle hands the ledger to record, and the line of db.json's cycle index made from it.
import type { LearningDelta } from "../learning/types.js";
import { allGoalsMet } from "../cycle/goal-verdicts.js";
import type { StepRecord } from "../cycle/act-loop.js";
import type { CycleRecord, CycleSensors, GoalVerdict } from "../memory/db.js";
import type { Goal } from "../memory/goals-file.js";
import type { InboxMessage } from "../memory/inbox.js";
import type { Sensors } from "../sense/read-sensors.js";
import type { CheckRun } from "../verify/verify-goals.js";
import { summarizeCycleTokens } from "./cycle-tokens.js";

/** What a cycle ran with, after fitting the context to free RAM and the threads to the heat. */
export interface CycleResources {
  contextSize: number;
  threads: number;
  neededRamMB: number;
}

/** Everything the record of one cycle that got a number and reached its end is made of. */
export interface CycleOutcome {
  cycle: number;
  startedAt: Date;
  durationMs: number;
  /** Why the cycle failed or was stopped (`aborted: …` when cut short mid-step); absent when it ran. */
  failure?: string;
  /** The daemon's stop (its `deps.signal`), not the cycle's own deadline, cut the cycle short: status `stopped`. */
  stopped?: true;
  /** Each goal due at the cycle's start, in serving order. */
  due: readonly Goal[];
  /** The verdict of each goal in `due`, in the same order. */
  verdicts: GoalVerdict[];
  summary?: string;
  steps: readonly StepRecord[];
  checks: readonly CheckRun[];
  /** The model's notes and the resource notes, in order. */
  notes: readonly string[];
  /** The inbox messages the cycle read; archived once it is recorded, when it ran. */
  inbox: readonly InboxMessage[];
  learned: readonly LearningDelta[];
  sensors: Sensors;
  resources: CycleResources;
}

/**
 * The cycle's status in the index, the journal and the history: `ran` without a failure, `stopped` when the daemon's
 * stop cut it short, else `failed` (a deadline cut included).
 */
export function outcomeStatus(outcome: CycleOutcome): "ran" | "stopped" | "failed" {
  if (outcome.failure === undefined) return "ran";
  return outcome.stopped === true ? "stopped" : "failed";
}

/** The cycle index's line for `outcome`, ended at `endedAt` (ISO) with `activeLessons` lessons not retired. */
export function buildCycleRecord(outcome: CycleOutcome, endedAt: string, activeLessons: number): CycleRecord {
  const goalsMet = allGoalsMet(outcome.verdicts);
  const tokens = summarizeCycleTokens(outcome.steps);
  return {
    cycle: outcome.cycle,
    startedAt: outcome.startedAt.toISOString(),
    endedAt,
    status: outcomeStatus(outcome),
    ...(outcome.failure !== undefined ? { reason: outcome.failure } : {}),
    steps: outcome.steps.length,
    failedSteps: outcome.steps.filter((step) => !step.ok).length,
    ...(outcome.summary !== undefined ? { summary: outcome.summary } : {}),
    durationMs: outcome.durationMs,
    ...(goalsMet !== undefined ? { goalsMet } : {}),
    ...(outcome.verdicts.length > 0 ? { goals: outcome.verdicts } : {}),
    learned: outcome.learned.length,
    activeLessons,
    sensors: cycleSensors(outcome.sensors),
    resources: outcome.resources,
    ...(tokens !== undefined ? { tokens } : {}),
  };
}

/** The part of a sensor reading kept with a cycle (or a skip) in db.json: heat, RAM and the Pi's throttle bits. */
export function cycleSensors(sensors: Sensors): CycleSensors {
  return {
    ...(sensors.cpuTempC !== undefined ? { cpuTempC: sensors.cpuTempC } : {}),
    availableRamMB: sensors.availableRamMB,
    totalRamMB: sensors.totalRamMB,
    ...(sensors.throttled !== undefined ? { throttled: sensors.throttled } : {}),
  };
}
