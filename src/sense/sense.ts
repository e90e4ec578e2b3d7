// The sense stage: the world judges first (the due goals' own checks, so a goal already met needs no model), then the board's sensors are read, only when there is work left to gate.
import type { CycleDeps } from "../cycle/cycle-deps.js";
import { selectDueGoals } from "../cycle/due-goals.js";
import type { CheckResult } from "../cycle/run-check.js";
import type { Woken } from "../cycle/wake.js";
import type { Goal } from "../memory/goals-file.js";
import type { CycleLedger } from "../record/ledger.js";
import { runGoalChecks, type CheckRun } from "../verify/verify-goals.js";
import { findNothingToDo } from "./gate.js";
import type { Sensors } from "./read-sensors.js";

/** What a cycle sensed before deciding whether to load the model. */
export interface Sensed {
  /** Every goal due at the cycle's start, in serving order. */
  allDue: Goal[];
  /** The due goals whose pre-check did not pass: the cycle's work. */
  dueGoals: Goal[];
  /** The pre-checks of the due goals that have a check. */
  preChecks: Array<CheckResult & CheckRun>;
  /** Each goal's last check in words (goal → detail), kept current by later checks, so one still valid at the end is reported as it ran. */
  checkDetails: Map<string, string>;
  /** Waiting inbox messages. */
  inboxMessages: number;
  /** The board's reading; `undefined` when there is nothing to do (an idle wake reads no sensor). */
  sensors?: Sensors;
}

/** Runs the due goals' pre-checks (writing the progress of any that passed), then reads the sensors when work is left. */
export async function sense(
  deps: CycleDeps,
  ledger: CycleLedger,
  woken: Extract<Woken, { ok: true }>,
): Promise<Sensed> {
  const allDue = selectDueGoals(woken.goals, ledger.goalProgress, deps.clock());
  const preChecks = await runGoalChecks(
    deps,
    ledger,
    allDue.filter((goal) => goal.check !== undefined),
  );
  const checkDetails = new Map(preChecks.map((check) => [check.goal, check.detail]));
  let dueGoals = allDue;
  if (preChecks.some((check) => check.passed)) {
    dueGoals = dueGoals.filter((goal) => !preChecks.some((check) => check.goal === goal.id && check.passed));
    await ledger.saveGoalProgress();
  }
  const inboxMessages = woken.inbox.length;
  const idle = findNothingToDo({ dueGoals: dueGoals.length, inboxMessages }) !== undefined;
  const sensors = idle ? undefined : await deps.readSensors();
  return { allDue, dueGoals, preChecks, checkDetails, inboxMessages, ...(sensors !== undefined ? { sensors } : {}) };
}
