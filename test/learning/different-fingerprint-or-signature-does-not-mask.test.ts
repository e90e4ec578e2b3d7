// Two failures mask only when both the failure signature and the world fingerprint match; other goals or actions stay apart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("a different world fingerprint between the failures does not mask", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(
    data,
    [outcome(1, action, { fingerprint: "world-a" }), outcome(1, action, { fingerprint: "world-b" })],
    [],
    outcomeCtx(1),
  );
  assert.deepEqual(data.lessons, []);
});

test("a different failure signature does not mask", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(1, action, { signature: "exit #: boom" })], [], outcomeCtx(1));
  recordOutcomes(data, [outcome(2, action, { signature: "exit #: no such target" })], [], outcomeCtx(2));
  assert.deepEqual(data.lessons, []);
});

test("failures of different goals or different arguments are different situations", () => {
  const data = emptyData();
  recordOutcomes(
    data,
    [outcome(1, runAction("make-draft"), { goal: "a" }), outcome(1, runAction("make-draft"), { goal: "b" })],
    [],
    outcomeCtx(1),
  );
  recordOutcomes(
    data,
    [outcome(2, runAction("cat", "x.txt")), outcome(2, runAction("cat", "y.txt"))],
    [],
    outcomeCtx(2),
  );
  assert.deepEqual(data.lessons, []);
  assert.equal(Object.keys(data.situations).length, 4);
});
