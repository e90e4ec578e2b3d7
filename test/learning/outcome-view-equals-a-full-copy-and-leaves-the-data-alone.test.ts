// Regression: the act loop cloned all learning data every step (≈170 ms per step with 10 000 lessons); the copy-on-write view must judge exactly as the full copy did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeBenchLessons } from "../../src/bench/seed-bench-state.js";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { viewWithOutcomes } from "../../src/learning/outcome-view.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("a view with this cycle's outcomes equals recordOutcomes on a full copy, and the stored data is untouched", () => {
  const data = emptyData();
  data.lessons = makeBenchLessons(400, { cycles: 50 });
  data.nextLessonId = 401;
  const failing = runAction("make-draft");
  const flaky = runAction("sync-notes");
  // Earlier cycles left history: one failure of make-draft, and both outcomes of sync-notes in one world.
  recordOutcomes(
    data,
    [outcome(48, failing), outcome(48, flaky, { ok: true }), outcome(49, flaky)],
    [],
    outcomeCtx(49),
  );
  const before = structuredClone(data);
  const outcomes = [outcome(50, failing), outcome(50, flaky, { ok: true }), outcome(50, flaky)];

  const full = structuredClone(data);
  recordOutcomes(full, outcomes, [], outcomeCtx(50));
  const view = viewWithOutcomes(data, outcomes, outcomeCtx(50));

  assert.deepEqual(view, full);
  assert.deepEqual(data, before, "the stored learning data did not change");
  assert.ok(view.lessons.length > data.lessons.length, "the second identical failure made a lesson in the view only");
  assert.equal(viewWithOutcomes(data, [], outcomeCtx(50)), data, "no outcomes: nothing copied");
});
