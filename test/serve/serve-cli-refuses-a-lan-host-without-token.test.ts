// `apprentice serve` and `start --serve` as real processes: a non-loopback host without a token exits 2 before anything starts; a loopback serve answers and stops on SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import path from "node:path";
import { runCli, startCli } from "../support/cli-process.js";
import { EXPECTED, makeStatusState } from "./helpers/status-fixture.js";

test("serve and start --serve with --host 0.0.0.0 and no token exit 2 naming --token; start takes no lock", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const serve = await runCli(["serve", "--state", dir, "--host", "0.0.0.0"]);
  assert.equal(serve.code, 2);
  assert.match(
    serve.output,
    /apprentice: --host 0\.0\.0\.0 would show the status page to other machines; give --token T too/,
  );
  const start = await runCli(["start", "--state", dir, "--serve", "--host", "0.0.0.0", "--port", "0"]);
  assert.equal(start.code, 2);
  assert.match(start.output, /give --token T too/);
  await assert.rejects(stat(path.join(dir, "daemon.lock")), /ENOENT/, "refused before the lock");
  const stray = await runCli(["start", "--state", dir, "--port", "9999"]);
  assert.equal(stray.code, 2);
  assert.match(stray.output, /add --serve/);
  const missing = await runCli(["serve", "--state", path.join(dir, "nope")]);
  assert.equal(missing.code, 2);
  assert.match(missing.output, /is not a state dir/);
});

test("serve on loopback prints its address, answers with the state's figures, and exits 0 on SIGTERM", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const run = startCli(["serve", "--state", dir, "--port", "0"]);
  t.after(() => run.child.kill("SIGKILL"));
  const line = await run.waitFor(/status page of \S+ at http:\/\/127\.0\.0\.1:\d+\//);
  const url = /http:\S+/.exec(line)?.[0] ?? "";
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(await response.text(), new RegExp(`id="fig-cycles">${EXPECTED.cycles}<`));
  run.child.kill("SIGTERM");
  assert.equal(await run.exited, 0);
  assert.match(run.output(), /SIGTERM received: status page stopped/);
  await assert.rejects(fetch(url), "nothing listens after the stop");
});
