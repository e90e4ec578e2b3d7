// The empty learning state of a fresh or migrated db.json: no lessons, skills or situations; ids start at 1.
import type { LearningData } from "./types.js";

/** A fresh {@link LearningData}: empty lists, `nextLessonId`/`nextSkillId` 1, never consolidated (cycle 0). */
export function createEmptyLearningData(): LearningData {
  return { lessons: [], skills: [], situations: {}, nextLessonId: 1, nextSkillId: 1, lastConsolidationCycle: 0 };
}
