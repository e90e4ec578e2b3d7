// The reflect stage as the cycle runs it: the model's own lesson on a failed step while it is still loaded, then the rules over the cycle's outcomes and checks, and lessons.md rewritten when anything was learned.
import type { BrainSession } from "../brain/brain.js";
import { renderLessonsMarkdown } from "../learning/lessons-markdown.js";
import type { LearningData, LearningDelta } from "../learning/types.js";
import { replaceFile } from "../memory/durable-write.js";
import type { Goal } from "../memory/goals-file.js";
import type { CheckRun } from "../verify/verify-goals.js";
import type { ActLoopResult } from "./act-loop.js";
import type { CycleDeps } from "./cycle-deps.js";
import { reflectOnCycle, reflectOnFailure } from "./reflect.js";

/**
 * Asks the still-loaded model for a lesson on the cycle's first failed step (see `reflectOnFailure`), when learning and
 * config.learning.reflect are on and the cycle was not stopped. Returns the deltas (none or one).
 */
export async function reflectWithModel(
  deps: CycleDeps,
  input: {
    session: BrainSession | undefined;
    learning: LearningData | undefined;
    loop: ActLoopResult;
    worldInPrompt: boolean;
    cycle: number;
    signal: AbortSignal;
  },
): Promise<LearningDelta[]> {
  const { session, learning } = input;
  if (session === undefined || learning === undefined || !deps.config.learning.reflect || input.signal.aborted)
    return [];
  const delta = await reflectOnFailure({
    session,
    learning,
    steps: input.loop.steps,
    worldInPrompt: input.worldInPrompt,
    cycle: input.cycle,
    now: deps.clock(),
    signal: input.signal,
  });
  return delta !== undefined ? [delta] : [];
}

/**
 * Learns from the cycle's outcomes and final checks (see `reflectOnCycle`) unless learning is off or the cycle was
 * stopped, and rewrites lessons.md when `earlier` (the model's reflection) or this added anything. Emits each of the
 * cycle's deltas as `lesson-changed` and returns them, `earlier` first.
 */
export async function reflect(
  deps: CycleDeps,
  input: {
    learning: LearningData | undefined;
    loop: ActLoopResult;
    checks: readonly CheckRun[];
    goals: readonly Goal[];
    cycle: number;
    stopped: boolean;
    earlier: readonly LearningDelta[];
  },
): Promise<LearningDelta[]> {
  const learned = [...input.earlier];
  const { learning, cycle } = input;
  if (learning !== undefined && !input.stopped) {
    learned.push(
      ...reflectOnCycle({
        learning,
        loop: input.loop,
        checks: input.checks.map((check) => ({ goal: check.goal, passed: check.passed })),
        goalChecks: Object.fromEntries(
          input.goals.flatMap((goal) => (goal.check !== undefined ? [[goal.id, goal.check]] : [])),
        ),
        cycle,
        now: deps.clock(),
        settings: deps.config.learning,
      }),
    );
    if (learned.length > 0) await replaceFile(deps.paths.lessons, renderLessonsMarkdown(learning, deps.clock(), cycle));
  }
  for (const delta of learned) await deps.events.emit({ type: "lesson-changed", cycle, delta });
  return learned;
}
