// Regression: lessons.md listed every lesson (3.5 MB and ≈200 ms to render each cycle at 10 000 lessons); each section now shows the most recently changed ones and counts the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { MAX_SHOWN_PER_SECTION, renderLessonsMarkdown } from "../../src/learning/lessons-markdown.js";

test("a section with more lessons than the cap shows the most recently changed ones and counts the rest", () => {
  const lessons = makeBenchLessons(3000, { cycles: 500 });
  const markdown = renderLessonsMarkdown(
    { ...createEmptyLearningData(), lessons },
    new Date(Date.UTC(2026, 0, 5)),
    500,
  );
  const provisional = lessons.filter(
    (lesson) => lesson.status === "provisional" && lesson.kind !== "flaky" && !(lesson.kind === "avoid" && lesson.mask),
  );
  assert.ok(provisional.length > MAX_SHOWN_PER_SECTION);
  const section = markdown.slice(markdown.indexOf("## Provisional"), markdown.indexOf("## Flaky actions"));
  assert.equal((section.match(/^### /gm) ?? []).length, MAX_SHOWN_PER_SECTION);
  assert.match(
    section,
    new RegExp(
      `… and ${provisional.length - MAX_SHOWN_PER_SECTION} more, changed longer ago: \`apprentice lessons list\` lists them all`,
    ),
  );
  const lastChange = (id: string): number => {
    const found = lessons.find((lesson) => lesson.id === id);
    return found?.history.at(-1)?.cycle ?? found?.createdCycle ?? -1;
  };
  const shown = [...section.matchAll(/^### (L\d+)/gm)].map((match) => lastChange(match[1] as string));
  const hidden = provisional.map((lesson) => lastChange(lesson.id)).sort((a, b) => b - a)[MAX_SHOWN_PER_SECTION] ?? -1;
  assert.ok(Math.min(...shown) >= hidden, "none hidden was changed more recently than one shown");
  assert.match(
    markdown,
    new RegExp(`${lessons.filter((lesson) => lesson.status !== "retired").length} active lessons`),
    "the header still counts all",
  );
});
