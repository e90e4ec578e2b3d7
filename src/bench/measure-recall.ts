// Recall latency at growing lesson counts: the cycle's own lesson recall (recallMemory: pinned, goal-scoped, then BM25) timed per call, with the lessons changing between calls as cycles change them.
import { recallMemory } from "../cycle/recall-lessons.js";
import { createEmptyLearningData } from "../learning/empty-learning.js";
import type { LearningData } from "../learning/types.js";
import { percentile, round } from "./bench-stats.js";
import { makeBenchLessons, makeRecallQueries } from "./seed-bench-state.js";

export interface RecallFigures {
  lessons: number;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  /** The first call, which builds whatever the recall path keeps from scratch (once per daemon process). */
  coldMs: number;
}

/**
 * Times `queries` recalls over `size` lessons (stopping early after `budgetMs`, with at least 5 samples). Before each
 * call one lesson is added and one changes status, as in a cycle's reflect stage, so a cache cannot hide the cost of
 * keeping up with changes.
 */
export function measureRecall(
  size: number,
  options: { queries: number; budgetMs: number; seed?: number },
): RecallFigures {
  const learning: LearningData = {
    ...createEmptyLearningData(),
    lessons: makeBenchLessons(size, { seed: options.seed ?? 1 }),
    nextLessonId: size + 1,
  };
  const extra = makeBenchLessons(options.queries + 1, { seed: (options.seed ?? 1) + 99 });
  const queries = makeRecallQueries(options.queries + 1, (options.seed ?? 1) + 1);
  const times: number[] = [];
  let coldMs = Number.NaN;
  const startedAt = performance.now();
  for (let index = 0; index < queries.length; index++) {
    const query = queries[index];
    const added = extra[index];
    if (query === undefined || added === undefined) break;
    learning.lessons.push({ ...added, id: `L${learning.nextLessonId++}` });
    const changed = learning.lessons[(index * 7919) % learning.lessons.length];
    if (changed !== undefined && changed.status !== "pinned")
      changed.status = changed.status === "retired" ? "provisional" : "retired";
    const callStartedAt = performance.now();
    recallMemory(learning, query.goalId, query.query);
    const elapsedMs = performance.now() - callStartedAt;
    if (index === 0) coldMs = elapsedMs;
    else times.push(elapsedMs);
    if (times.length >= 5 && performance.now() - startedAt > options.budgetMs) break;
  }
  return {
    lessons: size,
    samples: times.length,
    p50Ms: round(percentile(times, 50), 2),
    p95Ms: round(percentile(times, 95), 2),
    coldMs: round(coldMs, 2),
  };
}
