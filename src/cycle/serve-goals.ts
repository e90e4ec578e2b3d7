// The goal loop of a cycle: every due goal is served, skill replays and due retests first (no model), then one model session works the goals still unmet one at a time, each within its share of the steps left; a met goal is never worked again.

/** A due goal as the act loop serves it. */
export interface LoopGoal {
  id: string;
  /** The goal has a check, so the world can say when it is met. */
  hasCheck: boolean;
}

/** What the act loop saw of one goal. The cycle's final checks give the verdicts; this says how a goal got there. */
export interface ServedGoal {
  id: string;
  /**
   * The loop saw the goal's check pass: right after its skill's replay, right after the retest of a masked command, or
   * after a step (its own turn's or another's).
   */
  metBy?: "replay" | "retest" | "steps";
  /** The cycle worked on the goal: replayed its skill, retested one of its masked commands or gave the model a turn. */
  attempted: boolean;
}

/** How a goal's turn with the model ended. */
export type TurnEnd = "met" | "finished" | "spent" | "stopped";

/** What the act loop lends the goal loop; {@link serveGoals} decides only who gets which steps, and when. */
export interface GoalWorker {
  /** Steps left in the cycle's budget (`limits.maxSteps` minus the steps taken). */
  stepsLeft(): number;
  /** The cycle was stopped (shutdown, deadline). */
  stopped(): boolean;
  /** Replays `goal`'s skill and checks the goal: whether it passed, or `undefined` when it has no skill to replay. */
  replaySkillFor(goal: LoopGoal): Promise<boolean | undefined>;
  /**
   * Runs the one retest due for `goal` (a masked command whose cooldown is over, in a world its mask covers) and checks
   * the goal: whether it passed, or `undefined` when no retest is due.
   */
  retestFor(goal: LoopGoal): Promise<boolean | undefined>;
  /** Runs `goal`'s check again when the workspace changed since its last (failed) check; `false` when it did not. */
  recheck(goal: LoopGoal): Promise<boolean>;
  /** Loads the model; `false` when it could not be loaded (the reason is the worker's to record). */
  loadModel(): Promise<boolean>;
  /**
   * Gives the model a turn of at most `allowance` steps on `goal` (`undefined`: no goal is due, the inbox only), with
   * `unmet` the goals still unmet in serving order. Ends when the goal's check passes after a step ("met"), the model
   * calls finish, the allowance is spent, or the cycle is stopped.
   */
  takeTurn(goal: LoopGoal | undefined, allowance: number, unmet: readonly LoopGoal[]): Promise<TurnEnd>;
}

/**
 * A turn's share of the steps left: `ceil(stepsLeft / goalsLeft)`, so a goal that keeps failing cannot take the steps
 * of the goals after it, and what an earlier goal leaves unused goes to the later ones. All of them with no goal.
 */
export function stepAllowance(stepsLeft: number, goalsLeft: number): number {
  if (stepsLeft <= 0) return 0;
  return goalsLeft <= 1 ? stepsLeft : Math.ceil(stepsLeft / goalsLeft);
}

/**
 * Serves `goals` (the due goals not met by their pre-check, in serving order):
 * 1. Replay: each goal with a skill has it replayed (steps from the shared budget) and its check run; a pass meets it.
 *    A goal still unmet then has its due retest run, if it has one: a command masked for it whose cooldown is over runs
 *    once, without the model, and a pass of the goal's check after it meets the goal. The retest does not wait for the
 *    model to pick the command: a world that changed outside the workspace (a service back up) is noticed in the first
 *    cycle the retest is allowed, and a goal it meets needs no model at all.
 * 2. Hand-back: if goals are still unmet and steps remain, the model is loaded once, and each unmet goal in turn gets a
 *    turn of {@link stepAllowance} steps. Before any work on a goal, its check runs again if the workspace changed
 *    since it last failed, so a goal met by another goal's steps is not worked.
 * With no goals (an inbox-only cycle) the model gets every step. When every goal is met by replays and retests, the
 * model is never loaded. Returns one entry per goal, in the order given.
 */
export async function serveGoals(goals: readonly LoopGoal[], worker: GoalWorker): Promise<ServedGoal[]> {
  const served = new Map(goals.map((goal) => [goal.id, { id: goal.id, attempted: false } as ServedGoal]));
  const entry = (goal: LoopGoal): ServedGoal => served.get(goal.id) as ServedGoal;
  const canGoOn = (): boolean => !worker.stopped() && worker.stepsLeft() > 0;
  const result = (): ServedGoal[] => goals.map(entry);

  for (const goal of goals) {
    if (!canGoOn()) return result();
    if (await metMeanwhile(goal, entry(goal), worker)) continue;
    const replayed = await worker.replaySkillFor(goal);
    if (replayed !== undefined) entry(goal).attempted = true;
    if (replayed === true) {
      entry(goal).metBy = "replay";
      continue;
    }
    if (!canGoOn()) return result();
    const retested = await worker.retestFor(goal);
    if (retested === undefined) continue;
    entry(goal).attempted = true;
    if (retested) entry(goal).metBy = "retest";
  }
  const unmet = (): LoopGoal[] => goals.filter((goal) => entry(goal).metBy === undefined);
  if ((goals.length > 0 && unmet().length === 0) || !canGoOn()) return result();
  if (!(await worker.loadModel())) return result();
  if (goals.length === 0) {
    await worker.takeTurn(undefined, worker.stepsLeft(), []);
    return result();
  }
  for (const goal of goals) {
    if (!canGoOn()) break;
    if (entry(goal).metBy !== undefined || (await metMeanwhile(goal, entry(goal), worker))) continue;
    const waiting = unmet();
    const allowance = stepAllowance(worker.stepsLeft(), waiting.length - waiting.indexOf(goal));
    entry(goal).attempted = true;
    const end = await worker.takeTurn(goal, allowance, waiting);
    if (end === "met") entry(goal).metBy = "steps";
    if (end === "stopped") break;
  }
  return result();
}

/** Whether `goal` was met by steps taken since its last check (another goal's, or a failed replay's); marks it so. */
async function metMeanwhile(goal: LoopGoal, entry: ServedGoal, worker: GoalWorker): Promise<boolean> {
  if (!goal.hasCheck || !(await worker.recheck(goal))) return false;
  entry.metBy = "steps";
  return true;
}
