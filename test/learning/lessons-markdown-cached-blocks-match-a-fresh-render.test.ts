// lessons.md re-renders only the lesson blocks that changed: after every change the learning rules and the operator make, it must equal a render from scratch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { renderLessonsMarkdown } from "../../src/learning/lessons-markdown.js";
import type { LearningData } from "../../src/learning/types.js";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { createSeededRandom } from "../../src/seeded-random.js";
import { learningRuleChanges } from "./helpers/learning-rule-changes.js";

test("after each rule's and operator op's change, lessons.md with cached blocks equals a render of a fresh copy", () => {
  const data: LearningData = {
    ...createEmptyLearningData(),
    lessons: makeBenchLessons(300, { seed: 4, cycles: 200 }),
    nextLessonId: 301,
  };
  const random = createSeededRandom(23);
  let differentFiles = 0;
  let previous = "";
  for (let cycle = 201; cycle <= 290; cycle++) {
    const now = new Date(Date.UTC(2026, 1, 1) + cycle * 60_000);
    const steps = learningRuleChanges(data, cycle, random, { maxLessons: 120, seededLessons: 300 });
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
  const data: LearningData = {
    ...createEmptyLearningData(),
    lessons: makeBenchLessons(20, { seed: 9, cycles: 40 }),
    nextLessonId: 21,
  };
  const lesson = data.lessons[0] as LearningData["lessons"][number];
  Object.assign(lesson, {
    kind: "avoid",
    status: "provisional",
    mask: { fingerprint: "w1", signature: "exit status #", cooldownCycles: 2, untilCycle: 50, retests: 0 },
  });
  const now = new Date(Date.UTC(2026, 1, 1));
  assert.match(renderLessonsMarkdown(data, now, 49), /masked through cycle 50/);
  assert.match(renderLessonsMarkdown(data, now, 50), /cooldown over after cycle 50/);
  assert.match(renderLessonsMarkdown(data, now, 49), /masked through cycle 50/);
});
