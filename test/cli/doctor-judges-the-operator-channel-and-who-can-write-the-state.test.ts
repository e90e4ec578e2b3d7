// `doctor` judges operator/ as the daemon would (fail when it would be refused) and warns when inbox/ is missing or
// the state dir, config.json, goals.yaml or charter.md can be written by someone other than their owner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, chown, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { checkOperatorChannel, checkOperatorFiles } from "../../src/cli/doctor-trust-checks.js";
import { statePaths } from "../../src/memory/state-paths.js";
import { makeStateDir } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

const noDaemon = async (): Promise<undefined> => undefined;

test("a fresh state: operator/ is 0700 of this user and only the owner can write the operator's files", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const paths = statePaths(dir);
  const channel = await checkOperatorChannel(paths, noDaemon);
  assert.equal(channel.status, "ok", JSON.stringify(channel));
  assert.match(
    channel.finding,
    /operator belongs to uid 0 \(root\) \(you\) and nobody else can write it or the state dir/,
  );
  assert.deepEqual(await checkOperatorFiles(paths), {
    id: "permissions",
    status: "ok",
    finding: "the state dir, config.json, goals.yaml and charter.md are writable by their owner only; inbox/ is there",
  });
});

test("operator/ 0777, or a state dir open to its group: the channel check fails with the chmod that fixes it", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const paths = statePaths(dir);
  await chmod(paths.operator, 0o777);
  const open = await checkOperatorChannel(paths, noDaemon);
  assert.equal(open.status, "fail");
  assert.match(
    open.finding,
    /writable by its group or others \(mode 0777\): the daemon applies nothing from operator\//,
  );
  assert.equal(open.remedy, `chmod 700 ${paths.operator}`);

  await chmod(paths.operator, 0o700);
  await chmod(paths.root, 0o775);
  const root = await checkOperatorChannel(paths, noDaemon);
  assert.equal(root.status, "fail");
  assert.match(root.remedy ?? "", /^chmod go-w /);
  const files = await checkOperatorFiles(paths);
  assert.equal(files.status, "warn");
  assert.match(files.finding, /the state dir .* is writable by its group or others \(mode 0775\)/);
});

test("config.json, goals.yaml or charter.md writable by others, or no inbox/, are warned about with the fix", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const paths = statePaths(dir);
  await chmod(paths.config, 0o666);
  await chmod(paths.goals, 0o664);
  await chmod(paths.charter, 0o646);
  await rm(paths.inbox, { recursive: true });

  const files = await checkOperatorFiles(paths);

  assert.equal(files.status, "warn");
  assert.equal(
    files.finding,
    "inbox/ is missing, so messages have nowhere to go; config.json is writable by its group or others (mode 0666); goals.yaml is writable by its group or others (mode 0664); charter.md is writable by its group or others (mode 0646)",
  );
  assert.match(
    files.remedy ?? "",
    new RegExp(
      `^chmod go-w ${paths.config} ${paths.goals} ${paths.charter} \\(whoever can write them acts as the operator;.*\\); mkdir ${paths.inbox}$`,
    ),
  );
});

test("operator/ of another user with no daemon to ask is a warning telling whom to run as; a running daemon's user is what counts", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const paths = statePaths(dir);
  await chown(paths.operator, 65534, 65534);
  const warn = await checkOperatorChannel(paths, noDaemon);
  assert.equal(warn.status, "warn", JSON.stringify(warn));
  assert.match(warn.remedy ?? "", /sudo -u nobody apprentice doctor/);

  // A daemon (this very process, root) holds the lock: the folder is judged for its user, and fails.
  const daemon = async () => ({
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    alive: true,
  });
  const fail = await checkOperatorChannel(paths, daemon);
  assert.equal(fail.status, "fail", JSON.stringify(fail));
  assert.match(fail.finding, /belongs to uid 65534 \(nobody\), not to this process's uid 0 \(root\)/);
});

test("apprentice doctor fails (exit 1) and marks the operator line ✗ when operator/ is 0777", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  await chmod(path.join(dir, "operator"), 0o777);
  const run = await runCliSplit(["doctor", "--state", dir]);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stdout, /^ {2}✗ operator +.*\(mode 0777\)/m);
  assert.match(run.stdout, /→ chmod 700 /);
});
