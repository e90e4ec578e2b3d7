// Regression: doctor read neither goals.yaml nor charter.md, so a YAML syntax error or a duplicated goal id gave
// "0 failed" and then `once` exited 2; a folder in place of charter.md passed doctor and crashed `once` with a stack.
// doctor now reads both with the cycle's own readers: a failed check with the cycle's message, and doctor's exit 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCliSplit } from "./model-test-support.js";
import { makeStateDir } from "../support/state-fixture.js";

interface Check {
  id: string;
  status: string;
  finding: string;
  remedy?: string;
}

async function runDoctor(dir: string): Promise<{ code: number | string; check: (id: string) => Check }> {
  const run = await runCliSplit(["doctor", "--json", "--state", dir]);
  const checks = (JSON.parse(run.stdout) as { checks: Check[] }).checks;
  return {
    code: run.code,
    check: (id) => {
      const found = checks.find((check) => check.id === id);
      assert.ok(found, `no ${id} check in ${run.stdout}`);
      return found;
    },
  };
}

/** `once --json`: its exit code and the failed cycle's reason. */
async function runOnce(dir: string): Promise<{ code: number | string; reason: string }> {
  const run = await runCliSplit(["once", "--json", "--state", dir]);
  assert.doesNotMatch(run.stderr, /^\s+at /m, `no stack trace: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { status: string; reason?: string };
  assert.equal(result.status, "failed", run.stdout);
  return { code: run.code, reason: result.reason ?? "" };
}

/** The cycle's message as doctor shows it: its `- ` list lines joined onto one line. */
function joined(message: string): string {
  return message.replace(/:\n\s*- /, ": ").replace(/\n\s*- /g, "; ");
}

test("a goals.yaml with a YAML syntax error fails doctor's goals check with the message once refuses with", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  await writeFile(path.join(dir, "goals.yaml"), "version: 1\ngoals: [ {id: : :\n");
  const doctor = await runDoctor(dir);
  assert.equal(doctor.code, 1, "doctor's failure exit code");
  const goals = doctor.check("goals");
  assert.equal(goals.status, "fail");
  assert.match(goals.finding, /goals\.yaml: not valid YAML \(line \d+\)/);
  assert.match(goals.remedy ?? "", /goals\.yaml/);
  const once = await runOnce(dir);
  assert.equal(once.code, 2);
  assert.equal(goals.finding, joined(once.reason));
});

test("a duplicated goal id fails doctor's goals check with the cycle's message, on one line", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: [
      "version: 1",
      "goals:",
      "  - id: tidy-notes",
      "    title: Tidy the notes.",
      "  - id: tidy-notes",
      "    title: Tidy them again.",
      "",
    ].join("\n"),
  });
  t.after(cleanup);
  const doctor = await runDoctor(dir);
  assert.equal(doctor.code, 1);
  const goals = doctor.check("goals");
  assert.equal(goals.status, "fail");
  assert.match(goals.finding, /goals\.yaml is not a valid goals file: .*duplicate goal id "tidy-notes"/);
  assert.doesNotMatch(goals.finding, /\n/);
  const once = await runOnce(dir);
  assert.equal(once.code, 2);
  assert.match(once.reason, /duplicate goal id "tidy-notes"/);
  assert.equal(goals.finding, joined(once.reason));

  const human = await runCliSplit(["doctor", "--state", dir]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^ {2}✗ goals +.*duplicate goal id "tidy-notes"/m);
  assert.match(human.stdout, /^[1-9]\d* failed, /m);
});

test("a folder in place of charter.md fails doctor's charter check, and once exits 2 with the same message", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  await rm(path.join(dir, "charter.md"));
  await mkdir(path.join(dir, "charter.md"));
  const doctor = await runDoctor(dir);
  assert.equal(doctor.code, 1);
  const charter = doctor.check("charter");
  assert.equal(charter.status, "fail");
  assert.equal(charter.finding, `${path.join(dir, "charter.md")} is not a regular file`);
  const once = await runOnce(dir);
  assert.equal(once.code, 2);
  assert.equal(once.reason, charter.finding);
});

test("a charter longer than the prompt takes warns that only its head is read; a valid state passes both checks", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const healthy = await runDoctor(dir);
  assert.deepEqual(
    [healthy.check("goals"), healthy.check("charter")].map((check) => check.status),
    ["ok", "ok"],
  );
  assert.match(healthy.check("goals").finding, /^goals\.yaml is valid \(1 goal, 1 with a check\)$/);
  await writeFile(path.join(dir, "charter.md"), "Be careful.\n".repeat(4000));
  const charter = (await runDoctor(dir)).check("charter");
  assert.equal(charter.status, "warn");
  assert.match(charter.finding, /charter\.md is 48000 bytes; only its first 32768 bytes are read into the prompt/);
});
