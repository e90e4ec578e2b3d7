// An action that always runs ok, changes nothing, and whose goal's check failed in two cycles (and passed in none) is masked as ineffective; harmless tools and world-changing actions never are.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeAction } from "../../src/learning/action-key.js";
import { INEFFECTIVE_SIGNATURE, findMasks, recordOutcomes } from "../../src/learning/outcome-rules.js";
import { emptyData, outcome, outcomeCtx, runAction } from "./helpers/learning-fixtures.js";

const failed = [{ goal: "report", passed: false }];

test("ok in cycles 3 and 5 with failed checks: avoid lesson with signature ineffective and the latest fingerprint", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  assert.deepEqual(recordOutcomes(data, [outcome(3, action, { ok: true })], failed, outcomeCtx(3)), []);
  const deltas = recordOutcomes(
    data,
    [outcome(5, action, { ok: true, fingerprint: "world-b" })],
    failed,
    outcomeCtx(5),
  );

  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["masked"],
  );
  const lesson = data.lessons[0];
  assert.equal(lesson?.kind, "avoid");
  assert.equal(
    lesson?.text,
    "`run make-draft` runs fine but changes nothing, and goal report's check still failed after it (cycles 3, 5)",
  );
  assert.deepEqual(lesson?.mask, {
    fingerprint: "world-b",
    worlds: ["world-a"],
    signature: INEFFECTIVE_SIGNATURE,
    cooldownCycles: 1,
    untilCycle: 6,
    retests: 0,
  });
  assert.equal(
    findMasks(data, { goal: "report", cycle: 6, fingerprint: "world-a" })[0]?.state,
    "masked",
    "it did nothing in either world",
  );
  assert.equal(lesson?.evidence.length, 2);
  assert.equal(findMasks(data, { goal: "report", cycle: 6, fingerprint: "world-b" })[0]?.state, "masked");
});

test("a cycle whose check passed after the action prevents the mask", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(1, action, { ok: true })], [{ goal: "report", passed: true }], outcomeCtx(1));
  recordOutcomes(data, [outcome(2, action, { ok: true })], failed, outcomeCtx(2));
  recordOutcomes(data, [outcome(3, action, { ok: true })], failed, outcomeCtx(3));
  assert.deepEqual(data.lessons, []);
});

test("an action that changes the workspace is never ineffective: it may be the first step of a procedure", () => {
  const data = emptyData();
  const action = runAction("fetch-data");
  for (const cycle of [1, 2, 3, 4])
    recordOutcomes(data, [outcome(cycle, action, { ok: true, changedWorld: true })], failed, outcomeCtx(cycle));
  assert.deepEqual(data.lessons, []);
});

test("an ineffective mask whose retest now changes the workspace is retired", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(1, action, { ok: true })], failed, outcomeCtx(1));
  recordOutcomes(data, [outcome(2, action, { ok: true })], failed, outcomeCtx(2));
  const deltas = recordOutcomes(
    data,
    [outcome(4, action, { ok: true, retest: true, changedWorld: true })],
    failed,
    outcomeCtx(4),
  );
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["retired"],
  );
  assert.match(data.lessons[0]?.history.at(-1)?.reason ?? "", /now changes the workspace/);
});

test("harmless tools are never masked as ineffective", () => {
  const data = emptyData();
  for (const [tool, args] of [
    ["read_file", { path: "notes.txt" }],
    ["note", { text: "hm" }],
    ["list_dir", { path: "." }],
    ["finish", { summary: "x" }],
  ] as const) {
    const action = normalizeAction(tool, args);
    recordOutcomes(data, [outcome(1, action, { ok: true })], failed, outcomeCtx(1));
    recordOutcomes(data, [outcome(2, action, { ok: true })], failed, outcomeCtx(2));
    recordOutcomes(data, [outcome(3, action, { ok: true })], failed, outcomeCtx(3));
  }
  assert.deepEqual(data.lessons, []);
});

test("an ineffective mask's retest is judged by the check: failed check doubles the cooldown, passed check retires", () => {
  const data = emptyData();
  const action = runAction("make-draft");
  recordOutcomes(data, [outcome(1, action, { ok: true })], failed, outcomeCtx(1));
  recordOutcomes(data, [outcome(2, action, { ok: true })], failed, outcomeCtx(2));
  const lesson = data.lessons[0];
  assert.ok(lesson?.mask);

  assert.deepEqual(
    recordOutcomes(data, [outcome(4, action, { ok: true, retest: true })], failed, outcomeCtx(4)).map(
      (delta) => delta.change,
    ),
    ["retest-failed"],
  );
  assert.equal(lesson.mask.cooldownCycles, 2);
  assert.equal(lesson.mask.signature, INEFFECTIVE_SIGNATURE);

  const deltas = recordOutcomes(
    data,
    [outcome(7, action, { ok: true, retest: true })],
    [{ goal: "report", passed: true }],
    outcomeCtx(7),
  );
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["retired"],
  );
  assert.equal(lesson.status, "retired");
  assert.equal(data.lessons.length, 1, "not masked again: its check has now passed after it");
});
