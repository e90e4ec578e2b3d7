import { test } from "node:test";
import assert from "node:assert/strict";
import { makeStateDir } from "../support/state-fixture.js";
import { runCliSplit, snapshotDir } from "./model-test-support.js";

interface DoctorJson {
  ok: boolean;
  counts: { ok: number; warn: number; fail: number };
  checks: Array<{ id: string; status: string; finding: string; remedy?: string }>;
}

test("doctor --json on a healthy state with the test model passes the binding, GGUF and config checks and changes nothing", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const before = await snapshotDir(dir);

  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  const report = JSON.parse(run.stdout) as DoctorJson;
  const status = (id: string): string | undefined => report.checks.find((check) => check.id === id)?.status;

  for (const id of [
    "node",
    "binding",
    "config",
    "goals",
    "charter",
    "model",
    "memory",
    "state-dir",
    "lock",
    "sandbox",
    "operator",
    "permissions",
  ]) {
    assert.equal(status(id), "ok", `${id}: ${JSON.stringify(report.checks.find((check) => check.id === id))}`);
  }
  assert.deepEqual(
    report.checks.map((check) => check.id),
    [
      "node",
      "binding",
      "config",
      "goals",
      "charter",
      "model",
      "instruct",
      "memory",
      "temperature",
      "throttle",
      "disk",
      "state-dir",
      "lock",
      "sandbox",
      "operator",
      "permissions",
    ],
  );
  assert.match(
    report.checks.find((check) => check.id === "sandbox")?.finding ?? "",
    /^bwrap \S+, user\+pid\+net namespaces, \/proc inside: (yes|no), nested user namespaces: (yes|no); network for commands: none, for checks: no$/,
  );
  assert.match(report.checks.find((check) => check.id === "model")?.finding ?? "", /GGUF v3, llama, F32/);
  assert.equal(
    run.code,
    report.counts.fail === 0 ? 0 : 1,
    "exit 0 when nothing failed (warnings allowed), 1 otherwise",
  );
  assert.equal(report.ok, report.counts.fail === 0);
  assert.deepEqual(await snapshotDir(dir), before, "doctor leaves the state dir as it found it");
});

test("doctor prints one line per check with ✓ / ! / ✗ and a tally", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCliSplit(["doctor", "--state", dir]);
  assert.match(run.stdout, /^apprentice doctor: /);
  assert.match(run.stdout, /^ {2}✓ binding +llama\.cpp binding loads/m);
  assert.match(run.stdout, /^ {2}✓ model +.*GGUF v3/m);
  assert.match(run.stdout, /^\d+ failed, \d+ warnings?, \d+ ok$/m);
  for (const line of run.stdout.split("\n").filter((text) => /^ {2}[!✗] /.test(text))) {
    const next = run.stdout.split("\n")[run.stdout.split("\n").indexOf(line) + 1] ?? "";
    assert.match(next, /→ /, `a check that is not ok is followed by its remedy: ${line}`);
  }
});
