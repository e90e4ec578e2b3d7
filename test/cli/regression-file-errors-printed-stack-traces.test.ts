// Regression: `tell` and `teach` on a read-only state dir, `init` and `once --state` under a read-only mount (with a
// misleading ENOENT), `init FILE/x` (ENOTDIR) and `fork` into a read-only destination printed a raw stack trace and
// exited 1 (`teach` after saying the lesson goes to operator/). Each now prints one line naming the path and the
// cause, and exits 2.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCliSplit } from "./model-test-support.js";
import { mountReadOnly } from "../support/read-only-mount.js";
import { makeStateDir } from "../support/state-fixture.js";

/** Runs the CLI and asserts exit 2 and exactly one line on stderr, no stack, matching `pattern`; returns stdout. */
async function assertOneErrorLine(args: string[], pattern: RegExp): Promise<string> {
  const run = await runCliSplit(args, { APPRENTICE_LOG: "info" });
  const shown = `apprentice ${args.join(" ")}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  assert.equal(run.code, 2, shown);
  assert.doesNotMatch(run.stderr, /^\s+at /m, `no stack trace: ${shown}`);
  assert.equal(run.stderr.split("\n").filter((line) => line !== "").length, 1, `one line on stderr: ${shown}`);
  assert.match(run.stderr, pattern, shown);
  return run.stdout;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A state dir, the same dir bound read-only at `readOnlyState`, and an empty read-only tmpfs at `readOnlyEmpty`. */
async function setUpReadOnlyMounts(
  t: TestContext,
): Promise<{ state: string; readOnlyState: string; readOnlyEmpty: string } | undefined> {
  const { dir: state, cleanup } = await makeStateDir({ withModel: false });
  const mounts = await mkdtemp(path.join(os.tmpdir(), "apprentice-read-only-"));
  const unmounts: Array<() => void> = [];
  t.after(async () => {
    for (const unmount of unmounts.reverse()) unmount();
    await rm(mounts, { recursive: true, force: true });
    await cleanup();
  });
  const readOnlyState = path.join(mounts, "state");
  const readOnlyEmpty = path.join(mounts, "empty");
  for (const [dir, source] of [
    [readOnlyState, state],
    [readOnlyEmpty, undefined],
  ] as const) {
    const unmount = await mountReadOnly(t, dir, source);
    if (unmount === undefined) return undefined;
    unmounts.push(unmount);
  }
  return { state, readOnlyState, readOnlyEmpty };
}

test("tell and teach on a read-only state dir print one line naming the file and the read-only filesystem, exit 2", async (t) => {
  const dirs = await setUpReadOnlyMounts(t);
  if (dirs === undefined) return t.skip("no read-only mount here (the reason is printed above)");
  const inbox = escape(path.join(dirs.readOnlyState, "inbox"));
  await assertOneErrorLine(
    ["tell", "--state", dirs.readOnlyState, "hello"],
    new RegExp(`^apprentice: cannot write ${inbox}/[^/\\s]+\\.md: the filesystem is read-only\\n$`),
  );
  const operator = escape(path.join(dirs.readOnlyState, "operator"));
  const stdout = await assertOneErrorLine(
    ["teach", "--state", dirs.readOnlyState, "always check the disk"],
    new RegExp(`^apprentice: cannot write ${operator}/[^/\\s]+\\.lesson\\.md: the filesystem is read-only\\n$`),
  );
  assert.equal(stdout, "", "teach does not say the lesson was queued");
});

test("init and once --state under a read-only mount name the read-only folder, not ENOENT, and exit 2", async (t) => {
  const dirs = await setUpReadOnlyMounts(t);
  if (dirs === undefined) return t.skip("no read-only mount here (the reason is printed above)");
  const target = path.join(dirs.readOnlyEmpty, "new-state");
  const expected = new RegExp(
    `^apprentice: cannot create the folder ${escape(target)}: ${escape(dirs.readOnlyEmpty)} is on a read-only filesystem\\n$`,
  );
  await assertOneErrorLine(["init", target], expected);
  await assertOneErrorLine(["once", "--state", target], expected);
  await assertOneErrorLine(
    ["once", "--state", dirs.readOnlyState],
    new RegExp(
      `^apprentice: cannot lock ${escape(dirs.readOnlyState)}: cannot create the folder ${escape(path.join(dirs.readOnlyState, "daemon.lock"))}: the filesystem is read-only\\n$`,
    ),
  );
});

test("fork into a read-only destination prints one line naming the destination, exits 2", async (t) => {
  const dirs = await setUpReadOnlyMounts(t);
  if (dirs === undefined) return t.skip("no read-only mount here (the reason is printed above)");
  const target = path.join(dirs.readOnlyEmpty, "copy");
  await assertOneErrorLine(
    ["fork", "--state", dirs.state, target],
    new RegExp(`^apprentice: cannot create the folder ${escape(target)}: the filesystem is read-only\\n$`),
  );
});

test("init, once and fork into FILE/x name the file that is in the way of a folder, exit 2", async (t) => {
  const { dir: state, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const file = path.join(path.dirname(state), "a-file");
  await writeFile(file, "not a folder\n");
  const inWay = `${escape(file)} is a file, not a folder\\n$`;
  await assertOneErrorLine(
    ["init", path.join(file, "x")],
    new RegExp(`^apprentice: cannot create the folder ${escape(path.join(file, "x"))}: ${inWay}`),
  );
  await assertOneErrorLine(["once", "--state", path.join(file, "x")], new RegExp(`^apprentice: .*${inWay}`));
  await assertOneErrorLine(["fork", "--state", state, path.join(file, "x")], new RegExp(`^apprentice: .*${inWay}`));
});
