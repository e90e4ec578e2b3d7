import { test } from "node:test";
import assert from "node:assert/strict";
import { fitSections, renderSections } from "../../src/brain/prompt-budget.js";
import { buildRecallSections, formatNow, type RecallInput } from "../../src/cycle/recall.js";
import type { InboxMessage } from "../../src/memory/inbox.js";
import { countWords } from "../support/scripted-brain.js";

const words = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(" ");

function message(text: string): InboxMessage {
  return { file: "m.md", text, truncated: false, warnings: [] };
}

function recallInput(overrides: Partial<RecallInput> = {}): RecallInput {
  return {
    now: new Date(2026, 10, 22, 14, 3),
    sensorsLine: "cpu 48°C, RAM 612 MB free",
    charter: "Keep the shopping list.",
    dueGoals: [{ id: "g", title: "Write shopping.txt", check: "test -f shopping.txt", priority: 0 }],
    progress: {},
    inbox: [message("Add milk.")],
    recentJournal: ["cycle 3: wrote shopping.txt"],
    toolLines: ["write_file: writes a file", "finish: ends the cycle"],
    lessons: "- [L1] write the whole list at once",
    quotedLessons: "- [L2] `ls` said: no such file",
    skills: "- [S1] list then write",
    ...overrides,
  };
}

test("the sections run stable-first: charter, tools, skills, lessons, goals, journal, then inbox, and the time last", () => {
  const sections = buildRecallSections(recallInput());
  assert.deepEqual(
    sections.map((section) => section.tier ?? 0),
    [0, 0, 0, 0, 0, 1, 1, 2, 2],
    "fitted in three tiers: settled, growing, new each cycle",
  );
  assert.deepEqual(
    sections.map((section) => [section.id, section.stable === true]),
    [
      ["charter", true],
      ["tools", true],
      ["skills", true],
      ["lessons", true],
      ["quoted-lessons", true],
      ["goals", true],
      ["journal", true],
      ["inbox", false],
      ["now", false],
    ],
  );
  const text = renderSections(sections);
  assert.ok(
    text.indexOf("Reply with exactly one JSON object") < text.indexOf("## Saved skills"),
    "instructions follow the tools",
  );
  assert.ok(text.trimEnd().endsWith("Board: cpu 48°C, RAM 612 MB free"), "the time and the sensors close the prompt");
  const shares = sections.reduce((sum, section) => sum + section.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9, `the shares add up to 1: ${shares}`);
});

test("two cycles that differ only in time, goals, inbox and journal render the same text up to the goals", () => {
  const first = renderSections(buildRecallSections(recallInput()));
  const second = renderSections(
    buildRecallSections(
      recallInput({
        now: new Date(2026, 10, 22, 14, 33),
        dueGoals: [{ id: "h", title: "Tidy the drop folder", priority: 0 }],
        inbox: [],
        recentJournal: ["cycle 4: nothing to do", "cycle 3: wrote shopping.txt"],
      }),
    ),
  );
  const seam = first.indexOf("## Goals due now");
  assert.ok(seam > 0);
  assert.equal(second.slice(0, seam), first.slice(0, seam));
});

test("a cycle whose journal grew by a line renders the same text up to that line, whatever its inbox and time", () => {
  const first = renderSections(buildRecallSections(recallInput()));
  const second = renderSections(
    buildRecallSections(
      recallInput({
        now: new Date(2026, 10, 22, 14, 33),
        inbox: [message("Add eggs too.")],
        recentJournal: ["cycle 3: wrote shopping.txt\ncycle 4: added milk"],
      }),
    ),
  );
  const seam = first.indexOf("cycle 3: wrote shopping.txt") + "cycle 3: wrote shopping.txt".length;
  assert.equal(second.slice(0, seam), first.slice(0, seam));
  assert.ok(second.slice(seam).startsWith("\ncycle 4: added milk"));
});

test("how much of each section is kept never depends on the sections fitted after it", () => {
  const sections = (inbox: number, journal: number) =>
    buildRecallSections(
      recallInput({
        charter: words(400, "c"),
        toolLines: [words(200, "t")],
        inbox: inbox === 0 ? [] : [message(words(inbox, "i"))],
        recentJournal: journal === 0 ? [] : [words(journal, "j")],
      }),
    );
  const textOf = (inbox: number, journal: number, tiers: number[]) => {
    const fitted = fitSections(sections(inbox, journal), 1000, countWords);
    assert.ok(fitted.tokens <= 1000);
    return renderSections(fitted.sections.filter((section) => tiers.includes(section.tier ?? 0)));
  };
  const settled = textOf(0, 0, [0]);
  assert.equal(textOf(600, 0, [0]), settled, "a full inbox leaves the charter, tools and lessons as they were");
  assert.equal(textOf(0, 600, [0]), settled, "a full journal too");
  assert.equal(textOf(600, 600, [0]), settled);
  assert.equal(
    textOf(600, 300, [0, 1]),
    textOf(0, 300, [0, 1]),
    "a full inbox leaves the goals and journal as they were",
  );
  assert.ok(
    settled.includes("c0 c1") && settled.includes("[… cut to fit the prompt budget]"),
    "the long charter was cut",
  );
  const lines = Array.from({ length: 900 }, (_, index) => `j${index}`).join("\n");
  const long = buildRecallSections(recallInput({ recentJournal: [lines] }));
  const journal = fitSections(long, 1000, countWords).sections.find((section) => section.id === "journal");
  assert.ok(
    journal?.text.endsWith("\nj899") && !journal.text.includes("j0\n"),
    "a journal cut to fit keeps its newest end",
  );
});

test("regression: the time, now last, was cut away to make room for the headings", () => {
  const fitted = fitSections(
    buildRecallSections(recallInput({ recentJournal: [words(900, "j")], inbox: [message(words(900, "i"))] })),
    600,
    countWords,
  );
  assert.ok(fitted.tokens <= 600);
  const now = fitted.sections.find((section) => section.id === "now");
  assert.equal(now?.text, `${formatNow(new Date(2026, 10, 22, 14, 3))}\nBoard: cpu 48°C, RAM 612 MB free`);
  assert.ok(fitted.cutSections.includes("journal") || fitted.cutSections.includes("inbox"));
});
