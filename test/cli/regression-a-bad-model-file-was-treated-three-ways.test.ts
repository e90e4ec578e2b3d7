// Issue 17, bug 6: a missing model file exited 2 and `start` refused (saying also "no model is configured"), while a
// non-GGUF or truncated file exited 1 from `once`, kept `start` running with a failure every cycle, and `status` said
// the model "fits". All are now "fix the model": exit 2, `start` refuses, and the line carries doctor's diagnosis.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli, startCli } from "../support/cli-process.js";
import { makeStateDir, testModel } from "../support/state-fixture.js";

const TRUNCATED =
  /fix the model: model file .*cut\.gguf is incomplete: [\d.]+ MB of the [\d.]+ MB its header describes/;
const NOT_GGUF = /fix the model: model file .*page\.gguf is not a GGUF file/;

/** A state dir with models/cut.gguf (the test model's first half) and models/page.gguf (an HTML error page). */
async function makeStateWithBadModels(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const state = await makeStateDir({ withModel: false });
  const whole = await readFile(await testModel());
  await writeFile(path.join(state.dir, "models", "cut.gguf"), whole.subarray(0, Math.floor(whole.length / 2)));
  await writeFile(path.join(state.dir, "models", "page.gguf"), "<html><body>404 Not Found</body></html>\n");
  return state;
}

/** Runs the CLI to its end; one still running after 90 s (a daemon that did not refuse) is killed and reported. */
async function runToEnd(t: TestContext, args: string[]): Promise<{ code: number | string; output: string }> {
  const run = startCli(args);
  t.after(() => {
    if (run.child.exitCode === null) run.child.kill("SIGKILL");
  });
  const timer = setTimeout(() => run.child.kill("SIGKILL"), 90_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output() };
}

function assertFixTheModel(run: { code: number | string; output: string }, diagnosis: RegExp): void {
  assert.equal(run.code, 2, run.output);
  assert.match(run.output, diagnosis);
  assert.doesNotMatch(run.output, /no model is configured/);
  assert.doesNotMatch(run.output, /^\s+at /m, "no stack trace");
}

test("once on a truncated GGUF or a non-GGUF file exits 2 with doctor's diagnosis and the remedy", async (t) => {
  const { dir, cleanup } = await makeStateWithBadModels();
  t.after(cleanup);
  const cut = await runCli(["once", "--state", dir, "--model", path.join(dir, "models", "cut.gguf")]);
  assertFixTheModel(cut, TRUNCATED);
  assert.match(cut.output, /apprentice model pull` again \(it resumes\)/);
  const page = await runCli(["once", "--state", dir, "--model", path.join(dir, "models", "page.gguf")]);
  assertFixTheModel(page, NOT_GGUF);
  assert.match(page.output, /HTML error page/);
});

test("start refuses a truncated GGUF or a non-GGUF file at start, exit 2, with the same line", async (t) => {
  const { dir, cleanup } = await makeStateWithBadModels();
  t.after(cleanup);
  assertFixTheModel(
    await runToEnd(t, ["start", "--state", dir, "--model", path.join(dir, "models", "cut.gguf")]),
    TRUNCATED,
  );
  assertFixTheModel(
    await runToEnd(t, ["start", "--state", dir, "--model", path.join(dir, "models", "page.gguf")]),
    NOT_GGUF,
  );
});

test("a missing model file is 'fix the model', not 'no model is configured', for once and start", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const missing = /fix the model: model file \/nonexistent\/model\.gguf cannot be read \(ENOENT\); check model\.path/;
  assertFixTheModel(await runCli(["once", "--state", dir, "--model", "/nonexistent/model.gguf"]), missing);
  assertFixTheModel(await runToEnd(t, ["start", "--state", dir, "--model", "/nonexistent/model.gguf"]), missing);
});

test("status does not say a truncated or non-GGUF file fits: it says what is wrong", async (t) => {
  const { dir, cleanup } = await makeStateWithBadModels();
  t.after(cleanup);
  const cut = await runCli(["status", "--state", dir, "--model", path.join(dir, "models", "cut.gguf")]);
  assert.equal(cut.code, 0, cut.output);
  const line = /^Model: .*$/m.exec(cut.stdout)?.[0] ?? "";
  assert.doesNotMatch(line, /fits/);
  assert.match(line, /is not usable: /);
  assert.match(line, TRUNCATED);
  const page = await runCli(["status", "--json", "--state", dir, "--model", path.join(dir, "models", "page.gguf")]);
  const model = (JSON.parse(page.stdout) as { model: { fits?: boolean; problem?: string } }).model;
  assert.equal(model.fits, undefined, JSON.stringify(model));
  assert.match(model.problem ?? "", NOT_GGUF);
});

test("a model file that goes bad while the daemon runs fails that cycle with the diagnosis in the log, and the daemon runs on", async (t) => {
  const { dir, cleanup } = await makeStateDir({ config: { model: { path: "models/live.gguf" } } });
  t.after(cleanup);
  const live = path.join(dir, "models", "live.gguf");
  await copyFile(await testModel(), live);
  const daemon = startCli(["start", "--state", dir]);
  t.after(() => daemon.child.kill("SIGKILL"));
  await daemon.waitFor(/apprentice started on /, 60_000);
  await daemon.waitFor(/next scheduled wake|cycle \d+ (ran|failed)|Cycle \d+/, 120_000);
  const whole = await readFile(live);
  await writeFile(live, whole.subarray(0, Math.floor(whole.length / 2)));
  await writeFile(path.join(dir, "inbox", "wake.md"), "Please write a.txt.\n");
  await daemon.waitFor(/cycle failed: fix the model: model file .*live\.gguf is incomplete: /, 60_000);
  assert.equal(
    daemon.child.exitCode,
    null,
    "the daemon keeps running and says it at each wake until the file is fixed",
  );
  daemon.child.kill("SIGTERM");
  assert.equal(await daemon.exited, 0, daemon.output());
});
