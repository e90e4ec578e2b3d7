// Each situation keeps its last 10 outcomes and 10 check cycles; at most 500 situations are kept, the least recently seen dropped first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { situationKey } from "../../src/learning/action-key.js";
import { MAX_SITUATIONS, recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

test("last 10 outcomes and check cycles per situation; check cycles only when the action ran ok", () => {
  const data = emptyData();
  const action = runAction("cat", "notes.txt");
  for (let cycle = 1; cycle <= 12; cycle += 1) {
    recordOutcomes(
      data,
      [outcome(cycle, action, { ok: true })],
      [{ goal: "report", passed: cycle % 2 === 0 }],
      outcomeCtx(cycle),
    );
  }
  const situation = data.situations[situationKey("report", action)];
  assert.equal(situation?.outcomes.length, 10);
  assert.equal(situation?.outcomes[0]?.cycle, 3);
  assert.deepEqual(situation?.checkPassedCycles, [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(situation?.checkFailedCycles, [1, 3, 5, 7, 9, 11]);
  assert.equal(situation?.lastCycle, 12);

  const failing = runAction("false");
  recordOutcomes(data, [outcome(13, failing, { signature: "a" })], [{ goal: "report", passed: false }], outcomeCtx(13));
  assert.deepEqual(
    data.situations[situationKey("report", failing)]?.checkFailedCycles,
    [],
    "a failed action did not run before the check",
  );
});

test("more than 500 situations: the oldest lastCycle go", () => {
  const data = emptyData();
  for (let index = 0; index < MAX_SITUATIONS + 3; index += 1) {
    recordOutcomes(
      data,
      [outcome(index + 1, runAction("echo", String(index)), { ok: true })],
      [],
      outcomeCtx(index + 1),
    );
  }
  assert.equal(Object.keys(data.situations).length, MAX_SITUATIONS);
  assert.equal(data.situations[situationKey("report", runAction("echo", "0"))], undefined);
  assert.ok(data.situations[situationKey("report", runAction("echo", String(MAX_SITUATIONS + 2)))]);
});
