import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseThreads, fitContext, type EstimateMB } from "../../src/sense/fit-resources.js";

/** 100 MB of weights plus 1 MB per 64 tokens, capped at a 4096-token trained context; counts its calls. */
function linearEstimate(): EstimateMB & { calls: number[] } {
  const calls: number[] = [];
  const estimate = async (contextSize: number) => {
    calls.push(contextSize);
    const effective = Math.min(contextSize, 4096);
    return { ok: true as const, contextSize: effective, neededRamMB: 100 + Math.ceil(effective / 64) };
  };
  return Object.assign(estimate, { calls });
}

test("every budget from the floor up gets the largest multiple of 256 that fits, in a logarithmic number of estimates", async () => {
  for (let available = 64 + 108; available <= 64 + 164; available += 1) {
    const estimate = linearEstimate();
    const fit = await fitContext({
      configured: 4096,
      floor: 512,
      availableRamMB: available,
      reserveRamMB: 64,
      estimate,
    });
    assert.ok(fit.ok, `available ${available}`);
    if (!fit.ok) continue;
    const budget = available - 64;
    const best = Math.min(4096, Math.floor(((budget - 100) * 64) / 256) * 256);
    assert.equal(fit.contextSize, best, `available ${available}`);
    assert.ok(estimate.calls.length <= 6, `${estimate.calls.length} estimates`);
    assert.equal(fit.note === undefined, best === 4096);
  }
});

test("below the floor is low memory; a bad model is reported as such; the trained context caps the configured one", async () => {
  const low = await fitContext({
    configured: 4096,
    floor: 512,
    availableRamMB: 64 + 107,
    reserveRamMB: 64,
    estimate: linearEstimate(),
  });
  assert.deepEqual(low.ok === false && low.kind, "low-memory");
  const bad = await fitContext({
    configured: 2048,
    floor: 512,
    availableRamMB: 4000,
    reserveRamMB: 64,
    estimate: async () => ({ ok: false, reason: "not a GGUF" }),
  });
  assert.deepEqual(bad, { ok: false, kind: "bad-model", detail: "not a GGUF" });
  const capped = await fitContext({
    configured: 32_768,
    floor: 512,
    availableRamMB: 4000,
    reserveRamMB: 64,
    estimate: linearEstimate(),
  });
  assert.deepEqual(capped, { ok: true, contextSize: 4096, neededRamMB: 164 });
});

test("threads halve above the soft limit, never below 1, and an unknown temperature changes nothing", () => {
  assert.deepEqual(chooseThreads(4, 71, 70), {
    threads: 2,
    note: "ran with 2 of 4 threads: CPU at 71°C, above softTempC 70°C",
  });
  assert.deepEqual(chooseThreads(1, 79, 70), { threads: 1 });
  assert.deepEqual(chooseThreads(4, 70, 70), { threads: 4 });
  assert.deepEqual(chooseThreads(4, undefined, 70), { threads: 4 });
});
