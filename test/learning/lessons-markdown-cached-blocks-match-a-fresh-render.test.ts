// lessons.md re-renders only the lesson blocks that changed: after every change the learning rules and the operator make, it must equal a render from scratch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeAction } from "../../src/learning/action-key.js";
import { applyCitations } from "../../src/learning/citation-rules.js";
import { consolidateLessons } from "../../src/learning/consolidate.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { renderLessonsMarkdown } from "../../src/learning/lessons-markdown.js";
import { applyLessonOp, teachLesson } from "../../src/learning/operator-ops.js";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import type { ActionOutcome, LearningData } from "../../src/learning/types.js";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { createSeededRandom } from "../../src/seeded-random.js";

test("after each rule's and operator op's change, lessons.md with cached blocks equals a render of a fresh copy", () => {
  const data: LearningData = { ...createEmptyLearningData(), lessons: makeBenchLessons(300, { seed: 4, cycles: 200 }), nextLessonId: 301 };
  const random = createSeededRandom(23);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const goals = ["goal-1", "goal-2", "goal-3"];
  const actions = [normalizeAction("run", { command: "ls", args: [] }), normalizeAction("run", { command: "make-report", args: [] }), normalizeAction("read_file", { path: "notes.txt" })];
  const signatures = ["exit status #: No such file or directory: <path>", "timed out after #ms"];
  let differentFiles = 0;
  let previous = "";
  for (let cycle = 201; cycle <= 290; cycle++) {
    const now = new Date(Date.UTC(2026, 1, 1) + cycle * 60_000);
    const ctx = { cycle, now, maxCooldownCycles: 8 };
    const steps: Array<() => unknown> = [
      () => {
        const outcomes: ActionOutcome[] = Array.from({ length: 3 }, (_, step) => {
          const ok = random() < 0.3;
          return {
            episodeId: `c${cycle}s${step + 1}`,
            cycle,
            goal: pick(goals),
            action: pick(actions),
            ok,
            ...(ok ? {} : { signature: pick(signatures) }),
            fingerprint: random() < 0.8 ? "w1" : "w2",
            retest: random() < 0.2,
            fromWorld: random() < 0.2,
            changedWorld: random() < 0.3,
          };
        });
        return recordOutcomes(data, outcomes, [{ goal: pick(goals), passed: random() < 0.4 }], ctx);
      },
      () => applyCitations(data, [`L${1 + Math.floor(random() * data.nextLessonId)}`, `L${1 + Math.floor(random() * 300)}`], random() < 0.5, ctx),
      () => (cycle % 15 === 0 ? consolidateLessons(data, { ...ctx, maxLessons: 120, decayAfterCycles: 30 }) : undefined),
      () => applyLessonOp(data, { op: pick(["pin", "retire", "forget"] as const), id: `L${1 + Math.floor(random() * data.nextLessonId)}` }, ctx),
      () => (cycle % 7 === 0 ? teachLesson(data, `always check the ${pick(["feed", "disk", "report"])} first`, "test", ctx) : undefined),
    ];
    for (const [index, step] of steps.entries()) {
      step();
      // The same lesson objects as the last render (cached blocks), against copies that no render has seen.
      const cached = renderLessonsMarkdown(data, now, cycle);
      const fresh = renderLessonsMarkdown(structuredClone(data), now, cycle);
      assert.equal(cached, fresh, `cycle ${cycle}, step ${index}: a cached block is stale`);
      if (cached !== previous) differentFiles += 1;
      previous = cached;
    }
  }
  assert.ok(differentFiles > 200, `the rules changed lessons.md ${differentFiles} times: enough to mean something`);
});

test("a mask's block changes when its cooldown ends, with no change to the lesson", () => {
  const data: LearningData = { ...createEmptyLearningData(), lessons: makeBenchLessons(20, { seed: 9, cycles: 40 }), nextLessonId: 21 };
  const lesson = data.lessons[0] as LearningData["lessons"][number];
  Object.assign(lesson, { kind: "avoid", status: "provisional", mask: { fingerprint: "w1", signature: "exit status #", cooldownCycles: 2, untilCycle: 50, retests: 0 } });
  const now = new Date(Date.UTC(2026, 1, 1));
  assert.match(renderLessonsMarkdown(data, now, 49), /masked through cycle 50/);
  assert.match(renderLessonsMarkdown(data, now, 50), /cooldown over after cycle 50/);
  assert.match(renderLessonsMarkdown(data, now, 49), /masked through cycle 50/);
});
