// Regression (found attacking the operator channel): whoever can write inbox/ could replace inbox/.processed with a
// symlink (to operator/, say), and the archive then moved their messages there under the daemon's hand. The archive
// now opens .processed with O_NOFOLLOW and moves through that descriptor; what stood in its place is moved aside.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chown, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { archiveInbox } from "../../src/memory/inbox.js";

async function scratch(t: {
  after: (fn: () => Promise<void>) => void;
}): Promise<{ inbox: string; operator: string; processed: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), "apprentice-archive-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const inbox = path.join(root, "inbox");
  const operator = path.join(root, "operator");
  await mkdir(inbox);
  await mkdir(operator, { mode: 0o700 });
  await writeFile(path.join(inbox, "x.lesson.md"), "Pin me.\n");
  await chown(path.join(inbox, "x.lesson.md"), 65534, 65534);
  return { inbox, operator, processed: path.join(inbox, ".processed") };
}

test("a symlink planted as inbox/.processed is moved aside, not followed: the message lands in a real .processed", async (t) => {
  const { inbox, operator, processed } = await scratch(t);
  await symlink(operator, processed);

  await archiveInbox(inbox, processed, ["x.lesson.md"], 4);

  assert.deepEqual(await readdir(operator), [], "nothing was moved into operator/");
  assert.ok((await lstat(processed)).isDirectory());
  assert.deepEqual(await readdir(processed), ["c4-x.lesson.md"]);
  const aside = (await readdir(inbox)).filter((name) => name.startsWith(".processed.moved-"));
  assert.equal(aside.length, 1);
  assert.ok(
    (await lstat(path.join(inbox, aside[0] ?? ""))).isSymbolicLink(),
    "the planted link is kept for the operator to see",
  );
});

test("a file or a dangling symlink in .processed's place is moved aside too", async (t) => {
  const { inbox, processed } = await scratch(t);
  await symlink(path.join(inbox, "nowhere"), processed);
  await archiveInbox(inbox, processed, ["x.lesson.md"], 1);
  assert.deepEqual(await readdir(processed), ["c1-x.lesson.md"]);

  await rm(processed, { recursive: true });
  await writeFile(processed, "not a folder");
  await writeFile(path.join(inbox, "y.md"), "hello\n");
  await archiveInbox(inbox, processed, ["y.md"], 2);
  assert.deepEqual(await readdir(processed), ["c2-y.md"]);
});
