import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { link, lstat, mkdir, readdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import {
  inspectBeneath,
  openDirBeneath,
  openFileBeneath,
  openWorkspaceRoot,
  pathBeneath,
  readDirBeneath,
} from "../../src/tools/open-beneath.js";
import { fingerprintWorkspace } from "../../src/cycle/world-fingerprint.js";
import { appendFileTool } from "../../src/tools/append-file.js";
import { listDirTool } from "../../src/tools/list-dir.js";
import { readFileTool } from "../../src/tools/read-file.js";
import type { Tool } from "../../src/tools/tool.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { replaceFileBeneath } from "../../src/tools/replace-beneath.js";
import { waitForReader } from "../support/fifo-writer.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

/** A workspace with `a/b/file.txt`, and an outside dir of the same shape whose file holds a canary. */
async function makeTree(t: Parameters<typeof makeTempDir>[0]): Promise<{ workspace: string; outside: string }> {
  const workspace = await makeTempDir(t);
  const outside = await makeTempDir(t, "apprentice-outside-");
  await mkdir(path.join(workspace, "a", "b"), { recursive: true });
  await writeFile(path.join(workspace, "a", "b", "file.txt"), "inside\n");
  await mkdir(path.join(outside, "b"));
  await writeFile(path.join(outside, "b", "file.txt"), "CANARY\n");
  return { workspace, outside };
}

test("an intermediate symlink is refused by name, wherever it leads, and nothing under it is opened", async (t) => {
  const { workspace, outside } = await makeTree(t);
  await symlink(outside, path.join(workspace, "out"));
  await symlink("a", path.join(workspace, "inner"));
  const root = await openWorkspaceRoot(workspace);
  t.after(() => root.close());

  const out = await openDirBeneath(root, ["out", "b"], "out/b/file.txt");
  assert.deepEqual(out, {
    ok: false,
    error: "out/b/file.txt: out is a symbolic link; file tools do not follow links",
    missing: false,
  });
  const inner = await openDirBeneath(root, ["inner", "b"], "inner/b");
  assert.deepEqual(inner, {
    ok: false,
    error: "inner/b: inner is a symbolic link; file tools do not follow links",
    missing: false,
  });
  const created = await openDirBeneath(root, ["out", "new"], "out/new/x.txt", { create: true });
  assert.equal(created.ok, false);
  assert.deepEqual(await readdir(outside), ["b"], "no folder was made through the link");
});

test("a final symlink is seen as a link (O_PATH|O_NOFOLLOW), never followed, for reading, appending or replacing", async (t) => {
  const { workspace, outside } = await makeTree(t);
  await symlink(path.join(outside, "b", "file.txt"), path.join(workspace, "a", "b", "link.txt"));
  await symlink(path.join(outside, "b", "not-yet.txt"), path.join(workspace, "a", "b", "dangling.txt"));
  const root = await openWorkspaceRoot(workspace);
  t.after(() => root.close());
  const dir = await openDirBeneath(root, ["a", "b"], "a/b");
  assert.ok(dir.ok);
  t.after(() => dir.handle.close());

  const inspected = await inspectBeneath(dir.handle, "link.txt", "a/b/link.txt");
  assert.ok(inspected.ok && inspected.stats.isSymbolicLink());
  if (inspected.ok) await inspected.handle.close();
  const refusal = {
    ok: false,
    error: "a/b/link.txt is a symbolic link; file tools do not follow links",
    missing: false,
  };
  assert.deepEqual(await openFileBeneath(dir.handle, "link.txt", "a/b/link.txt", "read"), refusal);
  assert.deepEqual(await openFileBeneath(dir.handle, "link.txt", "a/b/link.txt", "append"), refusal);
  assert.deepEqual(await replaceFileBeneath(dir.handle, "link.txt", "a/b/link.txt", Buffer.from("pwned")), {
    ok: false,
    error: refusal.error,
  });
  const dangling = await openFileBeneath(dir.handle, "dangling.txt", "a/b/dangling.txt", "append");
  assert.equal(dangling.ok, false, "a dangling link is refused; its target is never created");
  assert.equal(await readFile(path.join(outside, "b", "file.txt"), "utf8"), "CANARY\n");
  assert.deepEqual(await readdir(path.join(outside, "b")), ["file.txt"]);
});

test("`..` never reaches outside: refused as a name, and a held directory stays the one opened whatever is renamed", async (t) => {
  const { workspace, outside } = await makeTree(t);
  const root = await openWorkspaceRoot(workspace);
  t.after(() => root.close());
  assert.throws(() => pathBeneath(root, ".."), /not a plain name/);
  assert.throws(() => pathBeneath(root, "a/.."), /not a plain name/);
  await assert.rejects(openDirBeneath(root, [".."], ".."), /not a plain name/);

  // `a/b` is opened, then `a` is moved away and replaced by a link to the outside tree: writes still land in the
  // directory that was opened (now `moved/b`), never through the link.
  const dir = await openDirBeneath(root, ["a", "b"], "a/b");
  assert.ok(dir.ok);
  t.after(() => dir.handle.close());
  await rename(path.join(workspace, "a"), path.join(workspace, "moved"));
  await symlink(outside, path.join(workspace, "a"));
  assert.deepEqual(await replaceFileBeneath(dir.handle, "file.txt", "a/b/file.txt", Buffer.from("rewritten\n")), {
    ok: true,
  });
  const appended = await openFileBeneath(dir.handle, "new.txt", "a/b/new.txt", "append");
  assert.ok(appended.ok);
  if (appended.ok) await appended.handle.close();
  assert.equal(await readFile(path.join(workspace, "moved", "b", "file.txt"), "utf8"), "rewritten\n");
  assert.ok((await lstat(path.join(workspace, "moved", "b", "new.txt"))).isFile());
  assert.equal(await readFile(path.join(outside, "b", "file.txt"), "utf8"), "CANARY\n");
  assert.deepEqual(await readdir(path.join(outside, "b")), ["file.txt"]);
});

test("a directory replaced by a file is refused, and create never makes a folder over it", async (t) => {
  const { workspace } = await makeTree(t);
  await writeFile(path.join(workspace, "plain"), "a file where a folder is expected\n");
  const root = await openWorkspaceRoot(workspace);
  t.after(() => root.close());
  const expected = { ok: false, error: "plain/x.txt: plain is a regular file, not a directory", missing: false };
  assert.deepEqual(await openDirBeneath(root, ["plain"], "plain/x.txt"), expected);
  assert.deepEqual(await openDirBeneath(root, ["plain", "deeper"], "plain/x.txt", { create: true }), expected);
  assert.deepEqual(await readDirBeneath(root, "plain"), {
    ok: false,
    error: "plain is a regular file, not a directory",
    missing: false,
  });
  assert.equal(await readFile(path.join(workspace, "plain"), "utf8"), "a file where a folder is expected\n");
});

test("append creates a missing file with O_EXCL (mode 0644 at most) and opens an existing one without truncating it", async (t) => {
  const { workspace } = await makeTree(t);
  const root = await openWorkspaceRoot(workspace);
  t.after(() => root.close());
  const made = await openDirBeneath(root, ["new", "deeper"], "new/deeper/x.txt", { create: true });
  assert.ok(made.ok);
  t.after(() => made.handle.close());
  const fresh = await openFileBeneath(made.handle, "x.txt", "new/deeper/x.txt", "append");
  assert.ok(fresh.ok);
  assert.equal(fresh.stats.size, 0);
  await fresh.handle.write("one\n");
  await fresh.handle.close();
  assert.equal((await lstat(path.join(workspace, "new", "deeper", "x.txt"))).mode & 0o133, 0, "at most rw-r--r--");
  const again = await openFileBeneath(made.handle, "x.txt", "new/deeper/x.txt", "append");
  assert.ok(again.ok && again.stats.size === 4);
  await again.handle.write("two\n");
  await again.handle.close();
  assert.equal(await readFile(path.join(workspace, "new", "deeper", "x.txt"), "utf8"), "one\ntwo\n");
});

test("a file with more than one hard link is refused for reading, appending and replacing, judged on the inode", async (t) => {
  const { workspace, outside } = await makeTree(t);
  await link(path.join(outside, "b", "file.txt"), path.join(workspace, "a", "hard.txt"));
  const root = await openWorkspaceRoot(workspace);
  t.after(() => root.close());
  const dir = await openDirBeneath(root, ["a"], "a");
  assert.ok(dir.ok);
  t.after(() => dir.handle.close());
  const read = await openFileBeneath(dir.handle, "hard.txt", "a/hard.txt", "read");
  assert.deepEqual(read, {
    ok: false,
    error: "a/hard.txt has 2 hard links; reading it could show a file outside the workspace",
    missing: false,
  });
  const append = await openFileBeneath(dir.handle, "hard.txt", "a/hard.txt", "append");
  assert.deepEqual(append, {
    ok: false,
    error: "a/hard.txt has 2 hard links; writing it could change a file outside the workspace",
    missing: false,
  });
  const replace = await replaceFileBeneath(dir.handle, "hard.txt", "a/hard.txt", Buffer.from("x"));
  assert.deepEqual(replace, {
    ok: false,
    error: "a/hard.txt has 2 hard links; writing it could change a file outside the workspace",
  });
  assert.equal(await readFile(path.join(outside, "b", "file.txt"), "utf8"), "CANARY\n");
});

test("a FIFO, a socket, a device and a link to a FIFO are fstat'ed through O_PATH and never opened", async (t) => {
  const { workspace, outside } = await makeTree(t);
  execFileSync("mkfifo", [path.join(workspace, "pipe")]);
  execFileSync("mkfifo", [path.join(outside, "pipe")]);
  await symlink(path.join(outside, "pipe"), path.join(workspace, "pipe-link"));
  const inside = await waitForReader(path.join(workspace, "pipe"));
  const beyond = await waitForReader(path.join(outside, "pipe"));
  t.after(() => {
    inside.stop();
    beyond.stop();
  });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path.join(workspace, "sock"), resolve));
  t.after(() => server.close());
  // Device 0:0 has no driver: opening it fails with ENXIO, so a refusal that names its kind proves it was not opened.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("mknod", [path.join(workspace, "dev"), "c", "0", "0"]);
  const context = makeToolContext(workspace);

  const expected: Record<string, string> = {
    pipe: "pipe is a FIFO, not a regular file",
    "pipe-link": "pipe-link is a symbolic link; file tools do not follow links",
    sock: "sock is a socket, not a regular file",
    ...(asRoot ? { dev: "dev is a character device, not a regular file" } : {}),
  };
  for (const [name, error] of Object.entries(expected)) {
    assert.deepEqual(await readFileTool.execute({ path: name }, context), { ok: false, error });
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(inside.opened(), false, "the FIFO in the workspace was opened");
  assert.equal(beyond.opened(), false, "the FIFO behind the link was opened");
  if (!asRoot) t.diagnostic("not root: the device case was skipped");
});

test("no descriptor is left open by the tools, whether they succeed or refuse", async (t) => {
  const { workspace, outside } = await makeTree(t);
  await symlink(outside, path.join(workspace, "out"));
  await writeFile(path.join(workspace, "plain"), "x");
  await link(path.join(outside, "b", "file.txt"), path.join(workspace, "hard.txt"));
  execFileSync("mkfifo", [path.join(workspace, "pipe")]);
  const context = makeToolContext(workspace);
  const calls: [Tool, string][] = [
    [readFileTool, "a/b/file.txt"],
    [readFileTool, "out/b/file.txt"],
    [readFileTool, "pipe"],
    [readFileTool, "hard.txt"],
    [readFileTool, "missing/x"],
    [readFileTool, "plain/x"],
    [writeFileTool, "a/new/deeper/x.txt"],
    [writeFileTool, "out/x"],
    [writeFileTool, "hard.txt"],
    [appendFileTool, "a/b/file.txt"],
    [appendFileTool, "a/b/new.txt"],
    [appendFileTool, "pipe"],
    [listDirTool, "a"],
    [listDirTool, "out"],
    [listDirTool, "plain"],
  ];
  const runAll = async (): Promise<void> => {
    for (const [tool, relPath] of calls) await tool.execute({ path: relPath, content: "y" }, context);
    await fingerprintWorkspace(workspace);
  };
  await runAll();
  const before = (await readdir("/proc/self/fd")).length;
  for (let round = 0; round < 20; round++) await runAll();
  assert.equal((await readdir("/proc/self/fd")).length, before);
});

test("openWorkspaceRoot throws for a workspace that is missing or not a directory", async (t) => {
  const { workspace } = await makeTree(t);
  await assert.rejects(openWorkspaceRoot(path.join(workspace, "missing")), /cannot open the workspace .*ENOENT/);
  await assert.rejects(
    openWorkspaceRoot(path.join(workspace, "a", "b", "file.txt")),
    /cannot open the workspace .*ENOTDIR/,
  );
});
