// One cycle's worth of random changes through every learning rule and operator op, for tests that must see each kind of change the lessons can undergo.
import { normalizeAction } from "../../../src/learning/action-key.js";
import { applyCitations } from "../../../src/learning/citation-rules.js";
import { consolidateLessons } from "../../../src/learning/consolidate.js";
import { applyLessonOp, teachLesson } from "../../../src/learning/operator-ops.js";
import { recordOutcomes } from "../../../src/learning/outcome-rules.js";
import type { ActionOutcome, LearningData } from "../../../src/learning/types.js";

const GOALS = ["goal-1", "goal-2", "goal-3"];
const ACTIONS = [
  normalizeAction("run", { command: "ls", args: [] }),
  normalizeAction("run", { command: "make-report", args: [] }),
  normalizeAction("read_file", { path: "notes.txt" }),
];
const SIGNATURES = ["exit status #: No such file or directory: <path>", "timed out after #ms"];

/**
 * The changes one cycle may make to `data`, in order, each a call to apply: outcomes (masks, flaky notes, retests),
 * citations, consolidation every 15 cycles (capped at `maxLessons`), an operator pin, retire or forget, and a taught
 * lesson every 7 cycles. `random` picks goals, actions, results and ids.
 */
export function learningRuleChanges(
  data: LearningData,
  cycle: number,
  random: () => number,
  options: { maxLessons: number; seededLessons: number },
): Array<() => unknown> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const now = new Date(Date.UTC(2026, 1, 1) + cycle * 60_000);
  const ctx = { cycle, now, maxCooldownCycles: 8 };
  return [
    () => {
      const outcomes: ActionOutcome[] = Array.from({ length: 3 }, (_, step) => {
        const ok = random() < 0.3;
        return {
          episodeId: `c${cycle}s${step + 1}`,
          cycle,
          goal: pick(GOALS),
          action: pick(ACTIONS),
          ok,
          ...(ok ? {} : { signature: pick(SIGNATURES) }),
          fingerprint: random() < 0.8 ? "w1" : "w2",
          retest: random() < 0.2,
          fromWorld: random() < 0.2,
          changedWorld: random() < 0.3,
        };
      });
      return recordOutcomes(data, outcomes, [{ goal: pick(GOALS), passed: random() < 0.4 }], ctx);
    },
    () =>
      applyCitations(
        data,
        [`L${1 + Math.floor(random() * data.nextLessonId)}`, `L${1 + Math.floor(random() * options.seededLessons)}`],
        random() < 0.5,
        ctx,
      ),
    () =>
      cycle % 15 === 0
        ? consolidateLessons(data, { ...ctx, maxLessons: options.maxLessons, decayAfterCycles: 30 })
        : undefined,
    () =>
      applyLessonOp(
        data,
        { op: pick(["pin", "retire", "forget"] as const), id: `L${1 + Math.floor(random() * data.nextLessonId)}` },
        ctx,
      ),
    () =>
      cycle % 7 === 0
        ? teachLesson(data, `always check the ${pick(["feed", "disk", "report"])} first`, "test", ctx)
        : undefined,
  ];
}
