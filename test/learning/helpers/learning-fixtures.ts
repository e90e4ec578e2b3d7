// Builders for learning tests: outcomes, contexts and lessons with injected cycle and time, so every test states only what matters.
import { normalizeAction } from "../../../src/learning/action-key.js";
import { addLesson } from "../../../src/learning/citation-rules.js";
import { createEmptyLearningData } from "../../../src/learning/empty-learning.js";
import type { ActionKey, ActionOutcome, Lesson, LearningData } from "../../../src/learning/types.js";

/** The time of cycle `n`: one minute per cycle from 2024-05-01T10:00Z. */
export function timeOf(cycle: number): Date {
  return new Date(Date.UTC(2024, 4, 1, 10, 0) + cycle * 60_000);
}

/** Context for {@link recordOutcomes} in cycle `n`, max cooldown 8 unless given. */
export function outcomeCtx(
  cycle: number,
  maxCooldownCycles = 8,
): { cycle: number; now: Date; maxCooldownCycles: number } {
  return { cycle, now: timeOf(cycle), maxCooldownCycles };
}

/** `run <command> <args…>` as an action key. */
export function runAction(command: string, ...args: string[]): ActionKey {
  return normalizeAction("run", { command, args });
}

let episodeCounter = 0;

/** One outcome of `action` for `goal` in `cycle`; a failure unless `ok`, with signature `exit #: boom` by default. */
export function outcome(cycle: number, action: ActionKey, over: Partial<ActionOutcome> = {}): ActionOutcome {
  episodeCounter += 1;
  const ok = over.ok ?? false;
  return {
    episodeId: `c${cycle}e${episodeCounter}`,
    cycle,
    goal: "report",
    action,
    ok,
    ...(ok ? {} : { signature: "exit #: boom" }),
    fingerprint: "world-a",
    retest: false,
    fromWorld: false,
    changedWorld: false,
    ...over,
  };
}

/** Fresh learning data. */
export function emptyData(): LearningData {
  return createEmptyLearningData();
}

/** Adds a plain self `fact` lesson (provisional, untainted) created in `cycle`, with overrides applied after creation. */
export function seedLesson(data: LearningData, cycle: number, text: string, over: Partial<Lesson> = {}): Lesson {
  const { lesson } = addLesson(
    data,
    {
      text,
      kind: "fact",
      scope: { goal: "report", keywords: [] },
      source: "self",
      tainted: false,
      status: "provisional",
      evidence: [`c${cycle}e0`],
    },
    { cycle, now: timeOf(cycle) },
  );
  Object.assign(lesson, over);
  return lesson;
}
