// Picks the lessons and skills worth showing this cycle: pinned and trusted first, then BM25 (minisearch) over the goal and recent errors.
import MiniSearch from "minisearch";
import { describeAction, normalizeAction } from "../learning/action-key.js";
import type { Lesson, LearningData } from "../learning/types.js";

/** Lessons shown per cycle at most; the prompt budget may cut further. */
export const MAX_RECALLED_LESSONS = 8;

export interface RecalledMemory {
  lessons: Lesson[];
  /** The lessons as prompt lines, with their ids so the model can cite them. */
  lessonText: string;
  skillText: string;
}

/**
 * Operator lessons (pinned) always come first, then lessons scoped to this goal, then the best BM25 matches for
 * `query` (goal title plus recent failure signatures). Retired lessons are never recalled.
 */
export function recallMemory(learning: LearningData, goalId: string | undefined, query: string): RecalledMemory {
  const active = learning.lessons.filter((lesson) => lesson.status !== "retired");
  const chosen: Lesson[] = [];
  const add = (lesson: Lesson): void => {
    if (chosen.length < MAX_RECALLED_LESSONS && !chosen.includes(lesson)) chosen.push(lesson);
  };
  for (const lesson of active) if (lesson.status === "pinned") add(lesson);
  for (const lesson of active) if (goalId !== undefined && lesson.scope.goal === goalId && lesson.status === "trusted") add(lesson);
  if (query.trim().length > 0 && active.length > 0) {
    const index = new MiniSearch<{ id: string; text: string; keywords: string; goal: string }>({
      fields: ["text", "keywords", "goal"],
      searchOptions: { prefix: true, fuzzy: 0.2, boost: { goal: 2 } },
    });
    index.addAll(active.map((lesson) => ({ id: lesson.id, text: lesson.text, keywords: lesson.scope.keywords.join(" "), goal: lesson.scope.goal ?? "" })));
    for (const hit of index.search(query, { combineWith: "OR" })) {
      const lesson = active.find((candidate) => candidate.id === hit.id);
      if (lesson !== undefined) add(lesson);
    }
  }
  for (const lesson of active) if (goalId !== undefined && lesson.scope.goal === goalId) add(lesson);

  const lessonText = chosen
    .map((lesson) => `- [${lesson.id}] (${lesson.kind}, ${lesson.status}, ${lesson.source}${lesson.tainted ? ", from world content" : ""}) ${lesson.text}`)
    .join("\n");
  const skills = learning.skills.filter((skill) => skill.status === "active");
  const skillText = skills
    .map((skill) => `- [${skill.id}] for goal ${skill.goal}: ${skill.steps.map((step) => describeAction(normalizeAction(step.tool, step.args))).join(" → ")} (${skill.successes} ok, ${skill.failures} failed)`)
    .join("\n");
  return { lessons: chosen, lessonText, skillText };
}
