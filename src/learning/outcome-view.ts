// This cycle's outcomes applied to a copy-on-write view of the learning data, so the act loop can mask within a cycle without cloning thousands of lessons per step.
import { situationKey } from "./action-key.js";
import { recordOutcomes, type OutcomeContext } from "./outcome-rules.js";
import type { ActionOutcome, LearningData } from "./types.js";

/**
 * `data` as it would be after {@link recordOutcomes} of `outcomes` (with no checks), leaving `data` untouched.
 * The rules change only the situations of the outcomes (goal + action) and the lessons about those same goal and
 * action, and add lessons; so only those are copied, and everything else is shared. With no outcomes, `data` itself.
 */
export function viewWithOutcomes(
  data: LearningData,
  outcomes: readonly ActionOutcome[],
  ctx: OutcomeContext,
): LearningData {
  if (outcomes.length === 0) return data;
  const touched = new Set(outcomes.map((outcome) => situationKey(outcome.goal, outcome.action)));
  const isTouched = (goal: string | undefined, action: { tool: string; args: string } | undefined): boolean =>
    goal !== undefined && action !== undefined && touched.has(situationKey(goal, action));
  const situations: LearningData["situations"] = {};
  for (const [key, situation] of Object.entries(data.situations))
    situations[key] = touched.has(key) ? structuredClone(situation) : situation;
  const view: LearningData = {
    ...data,
    lessons: data.lessons.map((lesson) =>
      isTouched(lesson.scope.goal, lesson.action) ? structuredClone(lesson) : lesson,
    ),
    situations,
  };
  recordOutcomes(view, [...outcomes], [], ctx);
  return view;
}
