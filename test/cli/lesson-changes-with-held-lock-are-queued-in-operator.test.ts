import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { LessonOpOutcome } from "../../src/cli/lessons-command.js";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState, runCliJson } from "./helpers/inspect-fixture.js";

test("while another process holds the lock, lessons pin writes an operator/ .lesson-op.json (0600) for the daemon and leaves db.json alone", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.ok(lock.ok);
  t.after(() => lock.release());
  const dbBefore = await readFile(path.join(dir, "db.json"), "utf8");

  const outcome = await runCliJson<LessonOpOutcome>(["lessons", "pin", "L2", "--state", dir, "--json"]);

  assert.equal(outcome.status, "queued");
  assert.ok(outcome.status === "queued");
  assert.equal(outcome.holderPid, process.pid);
  assert.equal(path.dirname(outcome.file), path.join(dir, "operator"));
  assert.equal((await stat(outcome.file)).mode & 0o777, 0o600);
  assert.match(path.basename(outcome.file), /^\d{4}-\d\d-\d\dT[\d-]+Z-\d+\.lesson-op\.json$/);
  assert.deepEqual(JSON.parse(await readFile(outcome.file, "utf8")), { version: 1, op: "pin", id: "L2" });
  assert.deepEqual(
    await readdir(path.join(dir, "operator")),
    [path.basename(outcome.file)],
    "only the request, no temp file",
  );
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), dbBefore, "the daemon is the only writer");

  const text = await runCli(["lessons", "retire", "L1", "--state", dir]);
  assert.equal(text.code, 0);
  assert.match(
    text.stdout,
    new RegExp(
      `The daemon \\(pid ${process.pid}\\) holds the state dir, so the change was queued as .*\\.lesson-op\\.json`,
    ),
  );
  assert.match(text.stdout, /within seconds/);
});

test("an unknown lesson id is refused with exit 2 before anything is queued", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.ok(lock.ok);
  t.after(() => lock.release());

  const result = await runCli(["lessons", "forget", "L99", "--state", dir]);

  assert.equal(result.code, 2);
  assert.match(result.output, /apprentice: there is no lesson "L99"/);
  assert.deepEqual(
    (await readdir(path.join(dir, "operator"))).filter((name) => name.endsWith(".lesson-op.json")),
    [],
  );
});
