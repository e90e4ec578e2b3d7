import { test } from "node:test";
import assert from "node:assert/strict";
import { inspectGgufFile } from "../../src/brain/model-inspect.js";
import { runDoctorChecks, type DoctorCheck, type DoctorDeps } from "../../src/cli/doctor-checks.js";
import type { Sensors } from "../../src/sense/read-sensors.js";
import { makeStateDir } from "../support/state-fixture.js";

const MB = 1024 * 1024;

function deps(stateDir: string, sensors: Partial<Sensors>, neededMB = 500): DoctorDeps {
  return {
    stateDir,
    nodeVersion: "20.19.0",
    requiredNode: ">=20.19.0",
    probeBinding: async () => ({ ok: true, detail: "fake binding" }),
    inspectModel: inspectGgufFile,
    estimate: async () => ({
      ok: true,
      estimate: {
        modelBytes: (neededMB - 100) * MB,
        contextBytes: 100 * MB,
        totalBytes: neededMB * MB,
        contextSize: 2048,
      },
    }),
    readSensors: async () => ({
      at: "2026-01-05T09:00:00.000Z",
      availableRamMB: 3000,
      totalRamMB: 4000,
      diskFreeMB: 20_000,
      ...sensors,
    }),
    readLockHolder: async () => undefined,
    probeSandbox: async () => ({
      available: true,
      bwrapPath: "/usr/bin/bwrap",
      version: "0.8.0",
      proc: true,
      disableUserns: true,
      hostLayout: {},
    }),
  };
}

function byId(checks: DoctorCheck[], id: DoctorCheck["id"]): DoctorCheck {
  const check = checks.find((candidate) => candidate.id === id);
  assert.ok(check, `no ${id} check`);
  return check;
}

test("memory: ok when free RAM covers the estimate plus reserve, warn when only total RAM does, fail when not even that", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  assert.equal(byId(await runDoctorChecks(deps(dir, {}, 500)), "memory").status, "ok");
  const busy = byId(await runDoctorChecks(deps(dir, { availableRamMB: 400 }, 500)), "memory");
  assert.equal(busy.status, "warn");
  assert.match(busy.finding, /needs about 500 MB .*400 of 4000 MB available, reserve 64 MB: not enough free now/);
  const huge = byId(await runDoctorChecks(deps(dir, {}, 5000)), "memory");
  assert.equal(huge.status, "fail");
  assert.match(huge.remedy ?? "", /model recommend/);
});

test("throttle bits are decoded into words: under-voltage now fails, past throttling warns, none is ok", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const now = byId(await runDoctorChecks(deps(dir, { throttled: "0x50005" })), "throttle");
  assert.equal(now.status, "fail");
  assert.equal(now.finding, "0x50005 (now: under-voltage, throttled; since boot: under-voltage, throttling)");
  assert.match(now.remedy ?? "", /power supply/);
  const past = byId(await runDoctorChecks(deps(dir, { throttled: "0x40000" })), "throttle");
  assert.equal(past.status, "warn");
  assert.match(past.finding, /since boot: throttling/);
  assert.equal(byId(await runDoctorChecks(deps(dir, { throttled: "0x0" })), "throttle").status, "ok");
  assert.match(byId(await runDoctorChecks(deps(dir, {})), "throttle").finding, /not a Raspberry Pi/);
});

test("temperature: unreadable or above limits.maxTempC warns; disk: under 100 MB fails; an old Node fails", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const hot = await runDoctorChecks(deps(dir, { cpuTempC: 85.5, diskFreeMB: 50 }));
  assert.equal(byId(hot, "temperature").status, "warn");
  assert.match(byId(hot, "temperature").finding, /85\.5°C, above limits\.maxTempC 80°C/);
  assert.equal(byId(hot, "disk").status, "fail");
  assert.equal(byId(await runDoctorChecks(deps(dir, { cpuTempC: 50 })), "temperature").status, "ok");
  assert.equal(byId(await runDoctorChecks(deps(dir, {})), "temperature").status, "warn");
  const old = await runDoctorChecks({ ...deps(dir, {}), nodeVersion: "20.11.1" });
  assert.equal(byId(old, "node").status, "fail");
  assert.match(byId(old, "node").finding, /20\.11\.1 is older than >=20\.19\.0/);
});

test("lock: a live holder is reported by pid, a dead one as stale", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const holder = { pid: 4242, startedAt: "2026-01-05T08:00:00.000Z", hostname: "pi" };
  const live = byId(
    await runDoctorChecks({ ...deps(dir, {}), readLockHolder: async () => ({ ...holder, alive: true }) }),
    "lock",
  );
  assert.equal(live.status, "ok");
  assert.match(live.finding, /pid 4242/);
  const stale = byId(
    await runDoctorChecks({ ...deps(dir, {}), readLockHolder: async () => ({ ...holder, alive: false }) }),
    "lock",
  );
  assert.equal(stale.status, "warn");
  assert.match(stale.finding, /stale: pid 4242/);
});
