// A failed retest whose failure says it is temporary (exit 75, "temporary failure", "try again") leaves the mask's
// cooldown as it is: a busy store gets its retest every other cycle instead of backing off to the cap, while any
// other failure still doubles it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isTemporaryFailure } from "../../src/cycle/failure-signature.js";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("exit 75 (EX_TEMPFAIL) or stderr saying temporary / try again is a temporary failure; other failures are not", () => {
  assert.equal(isTemporaryFailure("exit 75", undefined), true);
  assert.equal(isTemporaryFailure("exit 1", "make-report: temporary failure: report store is busy"), true);
  assert.equal(isTemporaryFailure("exit 1", "curl: (6) Resource temporarily unavailable"), true);
  assert.equal(isTemporaryFailure("exit 2", "lock held by another process, try again later"), true);
  assert.equal(isTemporaryFailure("exit 69", "make-report: report service unavailable"), false);
  assert.equal(isTemporaryFailure("exit 175", undefined), false);
  assert.equal(isTemporaryFailure("exit 1", "contemporary art not found"), false);
  assert.equal(isTemporaryFailure("timed out after 20000 ms", undefined), false);
});

test("temporary failed retests keep the cooldown at 1; a later ordinary failure doubles it again", () => {
  const data = emptyData();
  const action = runAction("make-report");
  const busy = { signature: "exit #: make-report: temporary failure: report store is busy" };
  recordOutcomes(data, [outcome(2, action, busy), outcome(2, action, busy)], [], outcomeCtx(2));
  const lesson = data.lessons[0];
  assert.equal(lesson?.mask?.untilCycle, 3);
  for (const cycle of [4, 6, 8]) {
    const deltas = recordOutcomes(
      data,
      [outcome(cycle, action, { ...busy, retest: true, temporary: true })],
      [],
      outcomeCtx(cycle),
    );
    assert.deepEqual(
      deltas.map((delta) => delta.change),
      ["retest-failed"],
    );
    assert.match(deltas[0]?.reason ?? "", /temporary failure, so the cooldown stays; masked 1 more cycle/);
    assert.equal(lesson?.mask?.cooldownCycles, 1);
    assert.equal(lesson?.mask?.untilCycle, cycle + 1);
  }
  assert.equal(lesson?.mask?.retests, 3);
  recordOutcomes(data, [outcome(10, action, { retest: true, signature: "exit #: disk full" })], [], outcomeCtx(10));
  assert.equal(lesson?.mask?.cooldownCycles, 2, "an ordinary failure doubles it as before");
  const ok = recordOutcomes(data, [outcome(13, action, { ok: true, retest: true })], [], outcomeCtx(13));
  assert.deepEqual(
    ok.map((delta) => delta.change),
    ["retired"],
  );
});
