// The prompt of one model turn: the recalled sections with the goals still unmet and the one worked on now, and the lessons recalled for that goal; each goal's recall is made once per cycle.
import type { PromptSection } from "../brain/brain.js";
import type { LearningData } from "../learning/types.js";
import type { Goal } from "../memory/goals-file.js";
import { buildRecallSections, type RecallInput } from "./recall.js";
import { recallMemory, type RecalledMemory } from "./recall-lessons.js";

/** What every turn's prompt shares: the recall input without the goals and lessons, which depend on the turn. */
export interface PromptMaterial extends Omit<
  RecallInput,
  "dueGoals" | "focusGoal" | "lessons" | "quotedLessons" | "skills"
> {
  /** The due goals not met by their pre-check, in serving order. */
  goals: readonly Goal[];
  /** Learning state, or undefined when learning is off (no lessons or skills are recalled). */
  learning?: LearningData;
}

/** A turn's prompt: its sections, and the ids of the lessons recalled into them (the model may cite those). */
export interface TurnPrompt {
  sections: PromptSection[];
  citeIds: readonly string[];
}

/**
 * Returns the prompt builder of a cycle: for `focus` (a goal id, or undefined when no goal is due) and the ids of the
 * goals still `unmet` in serving order, the sections with those goals listed (the focus marked when there are several)
 * and the lessons recalled for the focus goal. Recall runs once per focus goal; the rest is plain assembly.
 */
export function createTurnPrompt(
  material: PromptMaterial,
): (focus: string | undefined, unmet: readonly string[]) => TurnPrompt {
  const recalled = new Map<string | undefined, RecalledMemory | undefined>();
  const recall = (focus: string | undefined): RecalledMemory | undefined => {
    if (!recalled.has(focus)) {
      const goal = material.goals.find((candidate) => candidate.id === focus);
      recalled.set(
        focus,
        material.learning === undefined
          ? undefined
          : recallMemory(material.learning, focus, recallQuery(material.learning, goal)),
      );
    }
    return recalled.get(focus);
  };
  return (focus, unmet) => {
    const memory = recall(focus);
    const { learning: _learning, goals, ...shared } = material;
    const sections = buildRecallSections({
      ...shared,
      dueGoals: unmet.length > 0 ? goals.filter((goal) => unmet.includes(goal.id)) : goals,
      ...(focus !== undefined ? { focusGoal: focus } : {}),
      lessons: memory?.lessonText ?? "",
      quotedLessons: memory?.quotedLessonText ?? "",
      skills: memory?.skillText ?? "",
    });
    return { sections, citeIds: memory?.lessons.map((lesson) => lesson.id) ?? [] };
  };
}

/** What recall searches lessons with: the goal's title and the failure signatures recently seen on it. */
function recallQuery(learning: LearningData, goal: Goal | undefined): string {
  const signatures = Object.values(learning.situations)
    .filter((situation) => situation.goal === goal?.id)
    .flatMap((situation) => situation.outcomes.map((outcome) => outcome.signature ?? ""))
    .slice(-10);
  return [...(goal !== undefined ? [goal.title] : []), ...signatures].join(" ");
}
