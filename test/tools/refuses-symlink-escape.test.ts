import { test } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { appendFileTool } from "../../src/tools/append-file.js";
import { listDirTool } from "../../src/tools/list-dir.js";
import { readFileTool } from "../../src/tools/read-file.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("symlinks that lead outside the workspace are refused for reading, listing and writing", async (t) => {
  const workspace = await makeTempDir(t);
  const outside = await makeTempDir(t, "apprentice-outside-");
  await writeFile(path.join(outside, "secret.txt"), "top secret");
  await symlink(outside, path.join(workspace, "out"));
  await symlink(path.join(outside, "secret.txt"), path.join(workspace, "link.txt"));
  await symlink("/proc/self/root", path.join(workspace, "procroot"));
  await symlink(path.join(outside, "not-yet.txt"), path.join(workspace, "dangling.txt"));
  const context = makeToolContext(workspace);

  for (const relPath of ["out/secret.txt", "link.txt", "procroot/etc/hostname"]) {
    const outcome = await readFileTool.execute({ path: relPath }, context);
    assert.equal(outcome.ok, false, `read of ${relPath} should be refused`);
    assert.ok(!("output" in outcome && outcome.output?.includes("top secret")));
  }
  assert.equal((await listDirTool.execute({ path: "out" }, context)).ok, false);
  assert.equal((await listDirTool.execute({ path: "procroot" }, context)).ok, false);

  assert.equal((await writeFileTool.execute({ path: "out/new.txt", content: "x" }, context)).ok, false);
  assert.equal((await writeFileTool.execute({ path: "out/deeper/new.txt", content: "x" }, context)).ok, false);
  assert.equal((await writeFileTool.execute({ path: "link.txt", content: "overwritten" }, context)).ok, false);
  assert.equal((await appendFileTool.execute({ path: "link.txt", content: "more" }, context)).ok, false);
  assert.equal((await writeFileTool.execute({ path: "dangling.txt", content: "x" }, context)).ok, false);
  assert.equal((await appendFileTool.execute({ path: "dangling.txt", content: "x" }, context)).ok, false);

  assert.equal(await readFile(path.join(outside, "secret.txt"), "utf8"), "top secret");
  await assert.rejects(stat(path.join(outside, "new.txt")), { code: "ENOENT" });
  await assert.rejects(stat(path.join(outside, "deeper")), { code: "ENOENT" });
  await assert.rejects(stat(path.join(outside, "not-yet.txt")), { code: "ENOENT" });
});

test("a symlink is never followed, even one that stays inside: file tools refuse it by name", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "real"));
  await writeFile(path.join(workspace, "real", "data.txt"), "inside");
  await symlink(path.join(workspace, "real", "data.txt"), path.join(workspace, "alias.txt"));
  await symlink("real", path.join(workspace, "alias-dir"));
  const context = makeToolContext(workspace);

  const read = await readFileTool.execute({ path: "alias.txt" }, context);
  assert.deepEqual(read, { ok: false, error: "alias.txt is a symbolic link; file tools do not follow links" });
  const throughDir = await readFileTool.execute({ path: "alias-dir/data.txt" }, context);
  assert.deepEqual(throughDir, {
    ok: false,
    error: "alias-dir/data.txt: alias-dir is a symbolic link; file tools do not follow links",
  });
  const list = await listDirTool.execute({ path: "alias-dir" }, context);
  assert.deepEqual(list, { ok: false, error: "alias-dir is a symbolic link; file tools do not follow links" });
  const write = await writeFileTool.execute({ path: "alias.txt", content: "changed" }, context);
  assert.equal(write.ok, false);
  assert.match(write.ok ? "" : write.error, /symbolic link/);
  const writeThroughDir = await writeFileTool.execute({ path: "alias-dir/data.txt", content: "changed" }, context);
  assert.equal(writeThroughDir.ok, false);
  assert.equal(await readFile(path.join(workspace, "real", "data.txt"), "utf8"), "inside");
  assert.ok((await lstat(path.join(workspace, "alias.txt"))).isSymbolicLink(), "the link itself stays as it was");
});
