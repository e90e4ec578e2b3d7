// Each due goal's verdict comes from its own checks: the pre-check, what the loop saw, and the check at the end, which
// wins; the summary counts the met goals ("1 of 2 goals met") before any words of the model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allGoalsMet, countGoalsMet, judgeGoals, summarizeCycle } from "../../src/cycle/goal-verdicts.js";

const due = [
  { id: "early", check: "true" },
  { id: "replayed", check: "true" },
  { id: "worked", check: "true" },
  { id: "undone", check: "true" },
  { id: "failed", check: "true" },
  { id: "tidy" },
];

test("pre-check, replay and steps each meet a goal; the final check overrules what the loop saw; no check is unchecked", () => {
  const verdicts = judgeGoals({
    due,
    preChecks: [
      { goal: "early", passed: true },
      { goal: "replayed", passed: false },
      { goal: "worked", passed: false },
      { goal: "undone", passed: false },
      { goal: "failed", passed: false },
    ],
    served: [
      { id: "replayed", attempted: true, metBy: "replay" },
      { id: "worked", attempted: true },
      // Its replay met it, then a later goal's steps undid it.
      { id: "undone", attempted: true, metBy: "replay" },
      { id: "failed", attempted: true },
      { id: "tidy", attempted: true },
    ],
    finalChecks: [
      { goal: "replayed", passed: true },
      { goal: "worked", passed: true },
      { goal: "undone", passed: false },
      { goal: "failed", passed: false },
    ],
  });
  assert.deepEqual(verdicts, [
    { id: "early", verdict: "met", by: "pre-check" },
    { id: "replayed", verdict: "met", by: "replay" },
    { id: "worked", verdict: "met", by: "steps" },
    { id: "undone", verdict: "unmet" },
    { id: "failed", verdict: "unmet" },
    { id: "tidy", verdict: "unchecked" },
  ]);
  assert.equal(countGoalsMet(verdicts), "3 of 6 goals met, 1 unchecked");
  assert.equal(allGoalsMet(verdicts), false);
});

test("a stopped cycle (no final checks) keeps what the loop's own checks saw and leaves the rest unchecked", () => {
  const verdicts = judgeGoals({
    due: due.slice(1, 3),
    preChecks: [],
    served: [
      { id: "replayed", attempted: true, metBy: "replay" },
      { id: "worked", attempted: true },
    ],
    finalChecks: [],
  });
  assert.deepEqual(verdicts, [
    { id: "replayed", verdict: "met", by: "replay" },
    { id: "worked", verdict: "unchecked" },
  ]);
});

test("the summary is the count first, the model's words after, labelled; the model's words alone with no goal", () => {
  const oneOfTwo = [
    { id: "a", verdict: "met" as const, by: "replay" as const },
    { id: "b", verdict: "unmet" as const },
  ];
  assert.equal(summarizeCycle(oneOfTwo, []), "1 of 2 goals met");
  assert.equal(
    summarizeCycle(oneOfTwo, [{ goal: "b", text: "all done" }]),
    "1 of 2 goals met; the model said: all done",
  );
  assert.equal(
    summarizeCycle(oneOfTwo, [
      { goal: "a", text: "a done" },
      { goal: "b", text: "b done" },
    ]),
    "1 of 2 goals met; the model said: a: a done; b: b done",
  );
  assert.equal(summarizeCycle([{ id: "a", verdict: "met" }], []), "1 of 1 goal met");
  assert.equal(summarizeCycle([], [{ text: "answered the inbox" }]), "answered the inbox");
  assert.equal(summarizeCycle([], []), undefined);
  assert.equal(
    allGoalsMet([
      { id: "a", verdict: "met" },
      { id: "t", verdict: "unchecked" },
    ]),
    true,
    "a goal without a check neither meets nor fails the cycle",
  );
  assert.equal(allGoalsMet([{ id: "t", verdict: "unchecked" }]), undefined);
});
