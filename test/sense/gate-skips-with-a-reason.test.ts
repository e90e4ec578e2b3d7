import { test } from "node:test";
import assert from "node:assert/strict";
import { decideGate } from "../../src/sense/gate.js";

const base = {
  work: { dueGoals: 1, inboxMessages: 0 },
  cpuTempC: 50,
  maxTempC: 80,
  availableRamMB: 1000,
  neededRamMB: 300,
  reserveRamMB: 64,
};

test("runs when there is work, it is cool, and memory suffices", () => {
  assert.deepEqual(decideGate(base), { run: true });
});

test("nothing to do comes first, before heat or memory", () => {
  const decision = decideGate({ ...base, work: { dueGoals: 0, inboxMessages: 0 }, cpuTempC: 95, availableRamMB: 10 });
  assert.equal(decision.run, false);
  assert.equal(!decision.run && decision.reason, "nothing-to-do");
});

test("an inbox message alone is work", () => {
  assert.deepEqual(decideGate({ ...base, work: { dueGoals: 0, inboxMessages: 1 } }), { run: true });
});

test("too hot names the temperature and the limit", () => {
  const decision = decideGate({ ...base, cpuTempC: 81.5 });
  assert.ok(!decision.run, "skipped");
  assert.equal(decision.reason, "too-hot");
  assert.match(decision.detail, /81.5°C/);
  assert.match(decision.detail, /80°C/);
});

test("an unknown temperature does not block", () => {
  const { cpuTempC: _unused, ...withoutTemp } = base;
  assert.deepEqual(decideGate(withoutTemp), { run: true });
});

test("low memory counts the reserve and gives the figures", () => {
  const decision = decideGate({ ...base, availableRamMB: 350 });
  assert.ok(!decision.run, "skipped");
  assert.equal(decision.reason, "low-memory");
  assert.match(decision.detail, /350 MB available/);
  assert.match(decision.detail, /300 MB/);
  assert.deepEqual(decideGate({ ...base, availableRamMB: 364 }), { run: true });
});
