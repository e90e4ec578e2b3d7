// With a daemon running, `teach` and `lessons pin|retire|forget` queue only into an operator/ of their own user that
// nobody else can write: anything else exits 2 with one line saying whom to run as, and queues nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, chown, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState } from "./helpers/inspect-fixture.js";

async function heldState(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.ok(lock.ok);
  t.after(() => lock.release());
  return dir;
}

test("operator/ of another user: teach and lessons pin exit 2 with one line naming the owner and how to run as them", async (t) => {
  const dir = await heldState(t);
  const operator = path.join(dir, "operator");
  await chown(operator, 65534, 65534);
  const dbBefore = await readFile(path.join(dir, "db.json"), "utf8");

  const teach = await runCli(["teach", "--state", dir, "Trust me."]);
  const pin = await runCli(["lessons", "pin", "L2", "--state", dir]);

  assert.equal(teach.code, 2, teach.output);
  assert.equal(
    teach.output,
    "apprentice: operator/ belongs to uid 65534 (nobody), not to you: run this as that user, e.g. sudo -u nobody apprentice teach …\n",
  );
  assert.equal(pin.code, 2, pin.output);
  assert.equal(
    pin.output,
    "apprentice: operator/ belongs to uid 65534 (nobody), not to you: run this as that user, e.g. sudo -u nobody apprentice lessons pin …\n",
  );
  assert.deepEqual(await readdir(operator), [], "nothing was queued");
  assert.deepEqual(
    (await readdir(path.join(dir, "inbox"))).filter((name) => !name.startsWith(".")),
    [],
    "nor dropped in the inbox",
  );
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), dbBefore);
});

test("operator/ open to others: the CLI refuses to queue where the daemon would not believe it, and says to chmod 700", async (t) => {
  const dir = await heldState(t);
  const operator = path.join(dir, "operator");
  await chmod(operator, 0o777);

  const retire = await runCli(["lessons", "retire", "L1", "--state", dir, "--json"]);

  assert.equal(retire.code, 2, retire.output);
  assert.match(
    retire.output,
    /^apprentice: .*operator is writable by its group or others \(mode 0777\), so the daemon would not believe a request there: chmod 700 .*operator\n$/,
  );
  assert.equal(retire.stdout, "", "no JSON outcome is printed for a refusal");
  assert.deepEqual(await readdir(operator), []);
});

test("a state dir made before operator/ existed gets it, 0700, from the first command that queues", async (t) => {
  const dir = await heldState(t);
  await rm(path.join(dir, "operator"), { recursive: true });

  const teach = await runCli(["teach", "--state", dir, "Label the boxes."]);

  assert.equal(teach.code, 0, teach.output);
  assert.equal((await stat(path.join(dir, "operator"))).mode & 0o777, 0o700);
  assert.equal((await readdir(path.join(dir, "operator"))).filter((name) => name.endsWith(".lesson.md")).length, 1);
});
