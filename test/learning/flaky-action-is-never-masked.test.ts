// An action with both successes and failures among its recent outcomes is flaky: one flaky lesson states its failure rate, and it is never masked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("ok then identical failures: no avoid lesson, one flaky lesson with stats and rate, updated as outcomes come", () => {
  const data = emptyData();
  const action = runAction("make-report");
  recordOutcomes(data, [outcome(1, action, { ok: true }), outcome(1, action)], [], outcomeCtx(1));
  recordOutcomes(data, [outcome(2, action), outcome(2, action)], [], outcomeCtx(2));

  assert.equal(data.lessons.filter((lesson) => lesson.kind === "avoid").length, 0);
  const flaky = data.lessons.filter((lesson) => lesson.kind === "flaky");
  assert.equal(flaky.length, 1);
  assert.equal(flaky[0]?.text, "`run make-report` fails about 75% of the time for goal report (3 of 4 recent tries); retry it rather than avoid it");
  assert.deepEqual(flaky[0]?.stats, { successes: 1, failures: 3 });
  assert.deepEqual(flaky[0]?.action, action);

  const deltas = recordOutcomes(data, [outcome(3, action, { ok: true })], [], outcomeCtx(3));
  assert.deepEqual(deltas.map((delta) => [delta.id, delta.change]), [[flaky[0]?.id, "flaky-updated"]]);
  assert.deepEqual(flaky[0]?.stats, { successes: 2, failures: 3 });
  assert.match(flaky[0]?.text ?? "", /fails about 60% .*\(3 of 5 recent tries\)/);
  assert.equal(data.lessons.length, 1);
});

test("an existing avoid lesson is retired once the action also succeeds", () => {
  const data = emptyData();
  const action = runAction("make-report");
  recordOutcomes(data, [outcome(1, action), outcome(1, action)], [], outcomeCtx(1));
  assert.ok(data.lessons[0]?.mask);
  const deltas = recordOutcomes(data, [outcome(2, action, { ok: true })], [], outcomeCtx(2));

  assert.equal(data.lessons[0]?.status, "retired");
  assert.equal(data.lessons[0]?.mask, undefined);
  assert.ok(deltas.some((delta) => delta.id === "L1" && delta.reason === "flaky: it has also succeeded; flaky actions are never masked"));
  assert.ok(deltas.some((delta) => delta.change === "created" && data.lessons.find((lesson) => lesson.id === delta.id)?.kind === "flaky"));
});
