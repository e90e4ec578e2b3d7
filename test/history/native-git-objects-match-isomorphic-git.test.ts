// The history's own tree and commit objects must be the ones git itself would write: same ids as isomorphic-git's
// writeTree and commit for the same content (names that sort differently as folders included), and read back.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import git from "isomorphic-git";
import {
  objectId,
  parseCommitHeaders,
  parseTree,
  readHeadRef,
  readLooseObject,
  renderCommit,
  renderTree,
  writeLooseObject,
  writeRef,
  type TreeEntry,
} from "../../src/history/git-objects.js";

test("trees and commits get isomorphic-git's ids, and read back", async (t) => {
  const gitdir = await mkdtemp(path.join(os.tmpdir(), "apprentice-git-objects-"));
  t.after(() => rm(gitdir, { recursive: true, force: true }));
  await git.init({ fs, dir: gitdir, gitdir, defaultBranch: "main" });
  const blob = (text: string): string => objectId("blob", Buffer.from(text));
  for (const text of ["a", "b", "c", "d"]) await writeLooseObject(gitdir, "blob", Buffer.from(text));
  const inner = await writeLooseObject(gitdir, "tree", renderTree([{ mode: "100644", name: "x.md", oid: blob("d") }]));
  // "a" as a folder sorts as "a/", after "a.b" and "a-b"; as a file it would sort first.
  const entries: TreeEntry[] = [
    { mode: "40000", name: "a", oid: inner },
    { mode: "100644", name: "a.b", oid: blob("a") },
    { mode: "100644", name: "a-b", oid: blob("b") },
    { mode: "100644", name: "é.md", oid: blob("c") },
  ];
  const tree = await writeLooseObject(gitdir, "tree", renderTree(entries));
  const theirs = await git.writeTree({
    fs,
    gitdir,
    tree: entries.map((entry) => ({
      mode: entry.mode === "40000" ? "040000" : entry.mode,
      path: entry.name,
      oid: entry.oid,
      type: entry.mode === "40000" ? "tree" : "blob",
    })),
  });
  assert.equal(tree, theirs);
  const read = await readLooseObject(gitdir, tree);
  assert.equal(read?.type, "tree");
  assert.deepEqual(
    parseTree(read?.content ?? Buffer.alloc(0)).map((entry) => entry.name),
    ["a-b", "a.b", "a", "é.md"],
  );

  const author = { name: "Apprentice", email: "apprentice@localhost", timestamp: 1_790_000_000, timezoneOffset: 0 };
  const message = "Cycle 1 ran\n\n- L1 created: because\n\nApprentice-Event: cycle\nApprentice-Cycle: 1";
  const first = await writeLooseObject(
    gitdir,
    "commit",
    renderCommit({ tree, author: "Apprentice <apprentice@localhost>", timestamp: author.timestamp, message }),
  );
  const theirFirst = await git.commit({
    fs,
    gitdir,
    message,
    author,
    committer: author,
    tree,
    parent: [],
    noUpdateBranch: true,
  });
  assert.equal(first, theirFirst);
  const second = await writeLooseObject(
    gitdir,
    "commit",
    renderCommit({
      tree,
      parent: first,
      author: "Apprentice <apprentice@localhost>",
      timestamp: author.timestamp + 60,
      message: "Cycle 2 ran",
    }),
  );
  const theirSecond = await git.commit({
    fs,
    gitdir,
    message: "Cycle 2 ran",
    author: { ...author, timestamp: author.timestamp + 60 },
    committer: { ...author, timestamp: author.timestamp + 60 },
    tree,
    parent: [first],
    noUpdateBranch: true,
  });
  assert.equal(second, theirSecond);
  assert.deepEqual(parseCommitHeaders((await readLooseObject(gitdir, second))?.content ?? Buffer.alloc(0)), {
    tree,
    parents: [first],
  });

  assert.deepEqual(
    await readHeadRef(gitdir),
    { ref: "refs/heads/main", oid: undefined },
    "no commit on the branch yet",
  );
  await writeRef(gitdir, "refs/heads/main", second);
  assert.deepEqual(await readHeadRef(gitdir), { ref: "refs/heads/main", oid: second });
  const log = await git.log({ fs, gitdir, ref: "main" });
  assert.deepEqual(
    log.map((entry) => entry.oid),
    [second, first],
  );
});
