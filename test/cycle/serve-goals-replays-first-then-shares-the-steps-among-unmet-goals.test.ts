// The goal loop on a scripted worker: replays and due retests first (no model), then one model load and one turn per unmet goal, each
// turn at most ceil(steps left / goals left), so a goal that keeps failing cannot take the steps of those after it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  serveGoals,
  stepAllowance,
  type GoalWorker,
  type LoopGoal,
  type TurnEnd,
} from "../../src/cycle/serve-goals.js";

/** How a scripted goal behaves: its skill's replay (steps, pass?) and its turn (steps used of the allowance, end). */
interface Plan {
  replay?: { steps: number; passes: boolean };
  /** A retest is due for the goal: it takes one step, and the goal's check passes after it or not. */
  retest?: { passes: boolean };
  turn?: (allowance: number) => { used: number; end: TurnEnd };
  /** Its check passes once this other goal's turn ran (another goal's steps met it). */
  metBy?: string;
}

class ScriptedWorker implements GoalWorker {
  used = 0;
  loads = 0;
  readonly turns: Array<{ goal: string | undefined; allowance: number; unmet: string[] }> = [];
  readonly replays: string[] = [];
  readonly retests: string[] = [];
  readonly rechecks: string[] = [];

  constructor(
    private readonly maxSteps: number,
    private readonly plans: Record<string, Plan>,
  ) {}

  stepsLeft(): number {
    return this.maxSteps - this.used;
  }

  stopped(): boolean {
    return false;
  }

  async replaySkillFor(goal: LoopGoal): Promise<boolean | undefined> {
    const replay = this.plans[goal.id]?.replay;
    if (replay === undefined) return undefined;
    this.replays.push(goal.id);
    this.used += Math.min(replay.steps, this.stepsLeft());
    return replay.passes;
  }

  async retestFor(goal: LoopGoal): Promise<boolean | undefined> {
    const retest = this.plans[goal.id]?.retest;
    if (retest === undefined) return undefined;
    this.retests.push(goal.id);
    this.used += 1;
    return retest.passes;
  }

  async recheck(goal: LoopGoal): Promise<boolean> {
    this.rechecks.push(goal.id);
    const by = this.plans[goal.id]?.metBy;
    return by !== undefined && this.turns.some((turn) => turn.goal === by);
  }

  async loadModel(): Promise<boolean> {
    this.loads += 1;
    return true;
  }

  async takeTurn(goal: LoopGoal | undefined, allowance: number, unmet: readonly LoopGoal[]): Promise<TurnEnd> {
    this.turns.push({ goal: goal?.id, allowance, unmet: unmet.map((each) => each.id) });
    const plan = goal === undefined ? undefined : this.plans[goal.id]?.turn;
    const { used, end } = plan?.(allowance) ?? { used: allowance, end: "spent" };
    assert.ok(used <= allowance, "a scripted turn stays within its allowance");
    this.used += used;
    return end;
  }
}

const goals = (...ids: string[]): LoopGoal[] => ids.map((id) => ({ id, hasCheck: true }));
const keepsFailing = (allowance: number) => ({ used: allowance, end: "spent" as const });

test("a turn's allowance is ceil(steps left / goals left), all of them for the last goal", () => {
  assert.equal(stepAllowance(8, 3), 3);
  assert.equal(stepAllowance(5, 2), 3);
  assert.equal(stepAllowance(2, 1), 2);
  assert.equal(stepAllowance(1, 3), 1);
  assert.equal(stepAllowance(0, 2), 0);
});

test("a goal that keeps failing takes only its share: the goals after it still get their turns", async () => {
  const worker = new ScriptedWorker(8, {
    a: { turn: keepsFailing },
    b: { turn: keepsFailing },
    c: { turn: () => ({ used: 1, end: "met" }) },
  });
  const served = await serveGoals(goals("a", "b", "c"), worker);
  assert.deepEqual(
    worker.turns.map((turn) => [turn.goal, turn.allowance]),
    [
      ["a", 3],
      ["b", 3],
      ["c", 2],
    ],
  );
  assert.deepEqual(served, [
    { id: "a", attempted: true },
    { id: "b", attempted: true },
    { id: "c", attempted: true, metBy: "steps" },
  ]);
  assert.equal(worker.loads, 1, "one model load serves every turn");
});

test("what an early goal leaves unused goes to the later ones", async () => {
  const worker = new ScriptedWorker(8, { a: { turn: () => ({ used: 1, end: "met" }) }, b: { turn: keepsFailing } });
  await serveGoals(goals("a", "b"), worker);
  assert.deepEqual(
    worker.turns.map((turn) => [turn.goal, turn.allowance, turn.unmet]),
    [
      ["a", 4, ["a", "b"]],
      ["b", 7, ["b"]],
    ],
  );
});

test("replays come first; when they meet every goal the model is never loaded", async () => {
  const worker = new ScriptedWorker(8, {
    a: { replay: { steps: 2, passes: true } },
    b: { replay: { steps: 1, passes: true } },
  });
  const served = await serveGoals(goals("a", "b"), worker);
  assert.deepEqual(worker.replays, ["a", "b"]);
  assert.equal(worker.loads, 0);
  assert.deepEqual(served, [
    { id: "a", attempted: true, metBy: "replay" },
    { id: "b", attempted: true, metBy: "replay" },
  ]);
});

test("a replay that meets its goal hands the rest of the budget to the model for the goals still unmet", async () => {
  const worker = new ScriptedWorker(8, {
    a: { replay: { steps: 2, passes: true } },
    b: { replay: { steps: 1, passes: false }, turn: () => ({ used: 2, end: "met" }) },
    c: {},
  });
  const served = await serveGoals(goals("a", "b", "c"), worker);
  assert.equal(worker.loads, 1);
  assert.deepEqual(
    worker.turns.map((turn) => [turn.goal, turn.allowance, turn.unmet]),
    [
      ["b", 3, ["b", "c"]],
      ["c", 3, ["c"]],
    ],
  );
  assert.deepEqual(
    served.map((goal) => goal.metBy),
    ["replay", "steps", undefined],
  );
});

test("a due retest runs after a failed replay, before the model: one that meets its goal spares the model", async () => {
  const worker = new ScriptedWorker(4, {
    a: { replay: { steps: 1, passes: false }, retest: { passes: true } },
    b: { retest: { passes: true } },
  });
  const served = await serveGoals(goals("a", "b"), worker);
  assert.deepEqual(worker.replays, ["a"]);
  assert.deepEqual(worker.retests, ["a", "b"]);
  assert.equal(worker.loads, 0, "every goal was met without the model");
  assert.deepEqual(served, [
    { id: "a", attempted: true, metBy: "retest" },
    { id: "b", attempted: true, metBy: "retest" },
  ]);
});

test("a goal its replay met has no retest, and a failed retest leaves the goal to the model's turn", async () => {
  const worker = new ScriptedWorker(6, {
    a: { replay: { steps: 2, passes: true }, retest: { passes: true } },
    b: { retest: { passes: false }, turn: () => ({ used: 1, end: "met" }) },
  });
  const served = await serveGoals(goals("a", "b"), worker);
  assert.deepEqual(worker.retests, ["b"]);
  assert.deepEqual(
    worker.turns.map((turn) => [turn.goal, turn.allowance]),
    [["b", 3]],
  );
  assert.deepEqual(
    served.map((goal) => goal.metBy),
    ["replay", "steps"],
  );
});

test("a goal met by an earlier goal's steps gets no turn of its own", async () => {
  const worker = new ScriptedWorker(8, { a: { turn: keepsFailing }, b: { metBy: "a" } });
  const served = await serveGoals(goals("a", "b"), worker);
  assert.deepEqual(
    worker.turns.map((turn) => turn.goal),
    ["a"],
  );
  assert.deepEqual(served, [
    { id: "a", attempted: true },
    { id: "b", attempted: false, metBy: "steps" },
  ]);
});

test("with more goals than steps, the goals the budget does not reach stay unattempted", async () => {
  const worker = new ScriptedWorker(2, {});
  const served = await serveGoals(goals("a", "b", "c"), worker);
  assert.deepEqual(
    worker.turns.map((turn) => [turn.goal, turn.allowance]),
    [
      ["a", 1],
      ["b", 1],
    ],
  );
  assert.deepEqual(
    served.map((goal) => goal.attempted),
    [true, true, false],
  );
});

test("with no goal due (the inbox only), the model gets every step in one turn", async () => {
  const worker = new ScriptedWorker(6, {});
  assert.deepEqual(await serveGoals([], worker), []);
  assert.deepEqual(worker.turns, [{ goal: undefined, allowance: 6, unmet: [] }]);
});
