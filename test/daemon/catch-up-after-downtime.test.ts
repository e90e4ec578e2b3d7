// Catch-up decisions from injected times: never ran, recently ran, long down, clock moved back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shouldCatchUp } from "../../src/daemon/catch-up.js";

const now = new Date("2025-01-03T12:00:00Z");
const thirtyMinMs = 30 * 60_000;
const minutesAgo = (minutes: number): Date => new Date(now.getTime() - minutes * 60_000);

test("a state dir that never ran a cycle catches up", () => {
  const decision = shouldCatchUp({ lastCycleAt: undefined, now, intervalMs: thirtyMinMs });
  assert.equal(decision.catchUp, true);
  assert.match(decision.reason, /no cycle/);
});

test("a cycle 10 min ago on a 30-min schedule needs no catch-up", () => {
  const decision = shouldCatchUp({ lastCycleAt: minutesAgo(10), now, intervalMs: thirtyMinMs });
  assert.equal(decision.catchUp, false);
  assert.match(decision.reason, /10 min ago, within the 30 min/);
});

test("a cycle 2 h ago on a 30-min schedule catches up", () => {
  const decision = shouldCatchUp({ lastCycleAt: minutesAgo(120), now, intervalMs: thirtyMinMs });
  assert.equal(decision.catchUp, true);
  assert.match(decision.reason, /2 h ago, more than the 30 min/);
});

test("exactly one interval ago is not yet late", () => {
  assert.equal(shouldCatchUp({ lastCycleAt: minutesAgo(30), now, intervalMs: thirtyMinMs }).catchUp, false);
  assert.equal(shouldCatchUp({ lastCycleAt: minutesAgo(31), now, intervalMs: thirtyMinMs }).catchUp, true);
});

test("a last cycle in the future (clock moved back) does not catch up, and says why", () => {
  const decision = shouldCatchUp({ lastCycleAt: minutesAgo(-90), now, intervalMs: thirtyMinMs });
  assert.equal(decision.catchUp, false);
  assert.match(decision.reason, /future/);
});

test("an invalid last-cycle date catches up; a non-positive interval is a bug", () => {
  assert.equal(shouldCatchUp({ lastCycleAt: new Date("garbage"), now, intervalMs: thirtyMinMs }).catchUp, true);
  assert.throws(() => shouldCatchUp({ lastCycleAt: undefined, now, intervalMs: 0 }), /intervalMs/);
});
