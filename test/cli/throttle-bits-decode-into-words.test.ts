import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeThrottleBits } from "../../src/sense/throttle-bits.js";

test("get_throttled bits decode into what happens now and what happened since boot", () => {
  assert.deepEqual(decodeThrottleBits("0x0"), { value: 0, now: [], sinceBoot: [], underVoltageNow: false });
  const state = decodeThrottleBits("0x50005");
  assert.deepEqual(state?.now, ["under-voltage", "throttled"]);
  assert.deepEqual(state?.sinceBoot, ["under-voltage", "throttling"]);
  assert.equal(state?.underVoltageNow, true);
  const past = decodeThrottleBits("80000");
  assert.deepEqual(past?.now, []);
  assert.deepEqual(past?.sinceBoot, ["soft temperature limit"]);
  assert.equal(past?.underVoltageNow, false);
  assert.equal(decodeThrottleBits("zz"), undefined);
});
