import { test } from "node:test";
import assert from "node:assert/strict";
import { orderGoals, selectDueGoals } from "../../src/cycle/due-goals.js";
import { parseDurationMs } from "../../src/memory/goals-file.js";

const now = new Date("2026-11-22T12:00:00Z");
const goal = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: id, priority: 0, ...extra });

test("a goal never met is due; a met goal without recurrence is not", () => {
  const goals = [goal("a", { check: "true" }), goal("b", { check: "true" })];
  const due = selectDueGoals(goals, { b: { doneAt: "2026-11-22T11:00:00Z", lastCheckPassed: true } }, now);
  assert.deepEqual(
    due.map((g) => g.id),
    ["a"],
  );
});

test("a met goal with every comes due again once the interval has passed", () => {
  const goals = [goal("daily", { check: "true", every: "1d" })];
  assert.equal(selectDueGoals(goals, { daily: { doneAt: "2026-11-22T00:00:00Z" } }, now).length, 0);
  assert.equal(selectDueGoals(goals, { daily: { doneAt: "2026-11-21T11:59:00Z" } }, now).length, 1);
});

test("a goal without a check is due until worked on, then per its recurrence", () => {
  const goals = [goal("tidy", { every: "6h" })];
  assert.equal(selectDueGoals(goals, {}, now).length, 1);
  assert.equal(selectDueGoals(goals, { tidy: { lastWorkedAt: "2026-11-22T09:00:00Z" } }, now).length, 0);
  assert.equal(selectDueGoals(goals, { tidy: { lastWorkedAt: "2026-11-22T05:00:00Z" } }, now).length, 1);
});

test("higher priority first, then file order", () => {
  const goals = [goal("low"), goal("high", { priority: 5 }), goal("low2")];
  assert.deepEqual(
    selectDueGoals(goals, {}, now).map((g) => g.id),
    ["high", "low", "low2"],
  );
});

test("durations parse, and nonsense does not", () => {
  assert.equal(parseDurationMs("30m"), 1_800_000);
  assert.equal(parseDurationMs("2w"), 1_209_600_000);
  assert.equal(parseDurationMs("soon"), undefined);
  assert.equal(parseDurationMs("5s"), undefined);
});

test("among equal priorities the goal worked on least recently goes first, one never worked on before any", () => {
  const goals = [
    goal("a", { check: "true" }),
    goal("b", { check: "true" }),
    goal("c", { check: "true" }),
    goal("urgent", { check: "true", priority: 2 }),
  ];
  const progress = {
    a: { lastWorkedAt: "2026-11-22T11:00:00Z" },
    b: { lastWorkedAt: "2026-11-22T09:00:00Z" },
    urgent: { lastWorkedAt: "2026-11-22T11:30:00Z" },
  };
  // urgent outranks all; c was never worked on; b waited longer than a.
  assert.deepEqual(
    selectDueGoals(goals, progress, now).map((g) => g.id),
    ["urgent", "c", "b", "a"],
  );
  assert.deepEqual(
    orderGoals(goals.slice(0, 2), {
      a: { lastWorkedAt: "2026-11-22T11:00:00Z" },
      b: { lastWorkedAt: "2026-11-22T11:00:00Z" },
    }).map((g) => g.id),
    ["a", "b"],
    "a tie keeps file order",
  );
});
