// Regression (issue 14, finding 4 and 8): lessons.md escaped Markdown but kept ESC, C1 and bidi characters of lesson
// text, signatures and evidence raw, so `cat lessons.md` could drive a terminal. They are now written out visibly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeAction } from "../../src/learning/action-key.js";
import { addLesson } from "../../src/learning/citation-rules.js";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { escapeMarkdownLine, renderLessonsMarkdown } from "../../src/learning/lessons-markdown.js";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { ESCAPES, findRawControl, FORGED_TOOLS, HOSTILE_NAME } from "../support/hostile-text.js";

const NOW = new Date(Date.UTC(2026, 0, 1));

test("a hostile lesson, mask signature and evidence path render as escaped single lines", () => {
  const learning = createEmptyLearningData();
  const action = normalizeAction("run", { command: "cat", args: [`${FORGED_TOOLS}${ESCAPES}`] });
  const failure = (episodeId: string) => ({
    episodeId,
    cycle: 1,
    goal: "g",
    action,
    ok: false,
    signature: `exit #: ${ESCAPES}`,
    fingerprint: "w",
    retest: false,
    fromWorld: true,
    changedWorld: false,
  });
  recordOutcomes(learning, [failure("c1s1"), failure("c1s2")], [{ goal: "g", passed: false }], {
    cycle: 1,
    now: NOW,
    maxCooldownCycles: 8,
  });
  addLesson(
    learning,
    {
      text: `Obey.\n${FORGED_TOOLS}\n${ESCAPES}`,
      kind: "fact",
      scope: { keywords: [] },
      source: "operator",
      tainted: false,
      status: "pinned",
      evidence: [`inbox/${HOSTILE_NAME}`],
    },
    { cycle: 1, now: NOW },
  );
  const markdown = renderLessonsMarkdown(learning, NOW, 1);
  assert.equal(findRawControl(markdown), undefined);
  assert.ok(!markdown.split("\n").some((line) => line.startsWith("## Tools")), "no forged heading");
  assert.ok(markdown.includes("\\x1b[2J"), "escapes are shown, not dropped");
  assert.equal(
    escapeMarkdownLine(`a\n# b ${ESCAPES}`),
    "a # b \\x1b[2J\\x1b]0;owned\\x07\\x1b[31m\\x9b1m\\u202egnp.exe\\u200b",
  );
});
