import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { listWorkspace } from "../../src/tools/sandbox-path.js";
import { makeTempDir } from "./tool-context.js";

test("listWorkspace lists dirs up to depth 4 and their files, shallow first, without links or hidden entries", async (t) => {
  const workspace = await makeTempDir(t);
  const outside = await makeTempDir(t, "apprentice-outside-");
  await writeFile(path.join(outside, "secret.txt"), "s");
  await mkdir(path.join(workspace, "a", "b", "c", "d", "e", "f"), { recursive: true });
  await writeFile(path.join(workspace, "a", "b", "c", "d", "four.txt"), "4");
  await writeFile(path.join(workspace, "a", "b", "c", "d", "e", "five.txt"), "5");
  await writeFile(path.join(workspace, "a", "b", "c", "d", "e", "f", "six.txt"), "6");
  await writeFile(path.join(workspace, "top.txt"), "t");
  await mkdir(path.join(workspace, ".git"));
  await writeFile(path.join(workspace, ".git", "config"), "x");
  await writeFile(path.join(workspace, ".hidden"), "h");
  await symlink(outside, path.join(workspace, "out"));
  await symlink(path.join(outside, "secret.txt"), path.join(workspace, "link.txt"));
  execFileSync("mkfifo", [path.join(workspace, "pipe")]);

  const listing = await listWorkspace(workspace, { maxEntries: 50 });
  assert.deepEqual(listing.files, ["top.txt", "a/b/c/d/four.txt"]);
  assert.deepEqual(listing.dirs, [".", "a", "a/b", "a/b/c", "a/b/c/d"]);
  assert.equal(listing.truncated, false);
  assert.deepEqual(listing.unreadable, []);
});

test("listWorkspace caps each list at maxEntries and says so", async (t) => {
  const workspace = await makeTempDir(t);
  for (let index = 0; index < 5; index++) {
    await writeFile(path.join(workspace, `f${index}.txt`), "x");
    await mkdir(path.join(workspace, `d${index}`));
  }
  const listing = await listWorkspace(workspace, { maxEntries: 3 });
  assert.deepEqual(listing.files, ["f0.txt", "f1.txt", "f2.txt"]);
  assert.deepEqual(listing.dirs, [".", "d0", "d1"]);
  assert.equal(listing.truncated, true);
});
