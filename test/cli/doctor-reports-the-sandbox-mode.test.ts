import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { inspectGgufFile } from "../../src/brain/model-inspect.js";
import { runDoctorChecks, type DoctorCheck, type DoctorDeps } from "../../src/cli/doctor-checks.js";
import type { SandboxStatus } from "../../src/tools/sandbox-probe.js";
import { makeStateDir } from "../support/state-fixture.js";

function deps(stateDir: string, sandbox: SandboxStatus): DoctorDeps {
  return {
    stateDir,
    nodeVersion: "20.19.0",
    requiredNode: ">=20.19.0",
    probeBinding: async () => ({ ok: true, detail: "fake binding" }),
    inspectModel: inspectGgufFile,
    estimate: async () => ({ ok: false, reason: "not needed here" }),
    readSensors: async () => ({
      at: "2026-01-05T09:00:00.000Z",
      availableRamMB: 3000,
      totalRamMB: 4000,
      diskFreeMB: 20_000,
    }),
    readLockHolder: async () => undefined,
    probeSandbox: async () => sandbox,
  };
}

async function sandboxCheck(stateDir: string, sandbox: SandboxStatus): Promise<DoctorCheck> {
  const check = (await runDoctorChecks(deps(stateDir, sandbox))).find((candidate) => candidate.id === "sandbox");
  assert.ok(check, "no sandbox check");
  return check;
}

const WORKING: SandboxStatus = {
  available: true,
  bwrapPath: "/usr/bin/bwrap",
  version: "0.8.0",
  proc: false,
  disableUserns: false,
  hostLayout: {},
};

test("doctor: ✓ with what bwrap can do and the network grants, ✗ with the remedy when there is none, ! when the operator opted out", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const ok = await sandboxCheck(dir, WORKING);
  assert.equal(ok.status, "ok");
  assert.equal(
    ok.finding,
    "bwrap 0.8.0, user+pid+net namespaces, /proc inside: no, nested user namespaces: yes; network for commands: none, for checks: no",
  );

  const missing = await sandboxCheck(dir, {
    available: false,
    reason: "bwrap was not found in /usr/local/bin:/usr/bin:/bin",
  });
  assert.equal(missing.status, "fail");
  assert.match(missing.finding, /^no sandbox: bwrap was not found .*: commands and goal checks refuse to run$/);
  assert.match(missing.remedy ?? "", /apt install bubblewrap.*sandbox\.mode/);

  const configFile = path.join(dir, "config.json");
  const config = JSON.parse(await readFile(configFile, "utf8")) as Record<string, unknown>;
  await writeFile(
    configFile,
    JSON.stringify({ ...config, sandbox: { mode: "bwrap", networkCommands: ["curl"], networkChecks: true } }),
  );
  assert.match((await sandboxCheck(dir, WORKING)).finding, /network for commands: curl, for checks: yes$/);

  await writeFile(configFile, JSON.stringify({ ...config, sandbox: { mode: "none" } }));
  const optedOut = await sandboxCheck(dir, { available: false, reason: "not asked" });
  assert.equal(optedOut.status, "warn");
  assert.match(optedOut.finding, /^sandbox\.mode is "none": commands and goal checks run without an OS sandbox/);
});
