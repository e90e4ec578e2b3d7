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
  assert.equal(
    flaky[0]?.text,
    "`run make-report` fails about 75% of the time for goal report (3 of 4 recent tries); retry it rather than avoid it",
  );
  assert.deepEqual(flaky[0]?.stats, { successes: 1, failures: 3 });
  assert.deepEqual(flaky[0]?.action, action);

  const deltas = recordOutcomes(data, [outcome(3, action, { ok: true })], [], outcomeCtx(3));
  assert.deepEqual(
    deltas.map((delta) => [delta.id, delta.change]),
    [[flaky[0]?.id, "flaky-updated"]],
  );
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
  assert.ok(
    deltas.some(
      (delta) => delta.id === "L1" && delta.reason === "flaky: it has also succeeded; flaky actions are never masked",
    ),
  );
  assert.ok(
    deltas.some(
      (delta) => delta.change === "created" && data.lessons.find((lesson) => lesson.id === delta.id)?.kind === "flaky",
    ),
  );
});

test("flaky needs both outcomes in the same world: failing without a file and working with it is not flaky", () => {
  const data = emptyData();
  const action = runAction("clean-data");
  recordOutcomes(
    data,
    [outcome(1, action, { fingerprint: "no-raw" }), outcome(1, action, { ok: true, fingerprint: "with-raw" })],
    [],
    outcomeCtx(1),
  );
  recordOutcomes(data, [outcome(2, action, { fingerprint: "no-raw" })], [], outcomeCtx(2));
  assert.equal(
    data.lessons.some((lesson) => lesson.kind === "flaky"),
    false,
  );
  const avoid = data.lessons.find((lesson) => lesson.kind === "avoid");
  assert.equal(
    avoid?.mask?.fingerprint,
    "no-raw",
    "two identical failures in the world without the file mask it there",
  );
});

test("two identical failures in a second world extend the existing mask to it", () => {
  const data = emptyData();
  const action = runAction("make-report");
  recordOutcomes(
    data,
    [outcome(1, action, { fingerprint: "w1" }), outcome(1, action, { fingerprint: "w1" })],
    [],
    outcomeCtx(1),
  );
  const deltas = recordOutcomes(
    data,
    [outcome(2, action, { fingerprint: "w2" }), outcome(2, action, { fingerprint: "w2" })],
    [],
    outcomeCtx(2),
  );
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["mask-extended"],
  );
  assert.equal(data.lessons.length, 1);
  const mask = data.lessons[0]?.mask;
  assert.equal(mask?.fingerprint, "w2");
  assert.deepEqual(mask?.worlds, ["w1"]);
  assert.equal(mask?.untilCycle, 3);
});
