// The events a cycle emits while it runs, as one typed union: the ledger records from them, and the CLI's progress lines, the daemon's log and the event feed (for `log --follow` and `serve` in other processes) show them.
import type { StepRecord } from "../cycle/act-loop.js";
import type { CheckResult } from "../cycle/run-check.js";
import type { LearningDelta } from "../learning/types.js";
import type { CycleStatus } from "../memory/db-schema.js";
import type { SkipReason } from "../sense/gate.js";

/** One thing that happened in a cycle, in the order it happened. `cycle` is the cycle's number. */
export type CycleEvent =
  /** The cycle got its number and is marked in progress (cycle.json). */
  | { type: "cycle-began"; cycle: number; startedAt: string }
  | { type: "model-loaded"; cycle: number; loadMs: number }
  /** The model chose a tool for step `step` (before the tool runs); replays and retests are not decided. */
  | { type: "step-decided"; cycle: number; step: number; goal?: string; tool: string }
  /** A step ended (executed, refused or rejected): its whole record. */
  | { type: "tool-done"; cycle: number; record: StepRecord }
  /** A goal's check ran; a pre-check runs `beforeCycle`, and its `cycle` is then the last cycle's number. */
  | {
      type: "check-done";
      cycle: number;
      beforeCycle?: true;
      goal: string;
      command: string;
      result: CheckResult;
      detail: string;
    }
  /** The learning rule changed a lesson or skill. */
  | { type: "lesson-changed"; cycle: number; delta: LearningDelta }
  | { type: "model-unloaded"; cycle: number }
  /** The cycle's record is durable in db.json and its journal entry written. */
  | {
      type: "cycle-recorded";
      cycle: number;
      status: CycleStatus;
      durationMs: number;
      summary?: string;
      journalFile: string;
    }
  /** A wake that did not become a cycle. */
  | { type: "cycle-skipped"; reason: SkipReason; detail: string };

/** The name of an event's kind. */
export type CycleEventType = CycleEvent["type"];

/** The event of kind `T`. */
export type CycleEventOf<T extends CycleEventType> = Extract<CycleEvent, { type: T }>;
