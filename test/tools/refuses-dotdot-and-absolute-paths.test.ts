import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { resolveInWorkspace } from "../../src/tools/sandbox-path.js";
import { readFileTool } from "../../src/tools/read-file.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("resolveInWorkspace refuses .., absolute, NUL, empty and over-long paths", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "a"));
  const bad = ["..", "../x", "a/../../x", "a/..", "a\\..\\x", "/etc/passwd", "/", "", "a\0b", "x".repeat(257)];
  for (const relPath of bad) {
    const result = await resolveInWorkspace(workspace, relPath);
    assert.equal(result.ok, false, `expected ${JSON.stringify(relPath)} to be refused`);
  }
  const notString = await resolveInWorkspace(workspace, 42);
  assert.equal(notString.ok, false);
});

test("resolveInWorkspace accepts and normalizes plain relative paths", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "a"));
  await writeFile(path.join(workspace, "a", "b.txt"), "hi");
  const existing = await resolveInWorkspace(workspace, "./a/./b.txt", { mustExist: true });
  assert.deepEqual(existing, { ok: true, absolute: path.join(workspace, "a", "b.txt"), relative: "a/b.txt", exists: true });
  const fresh = await resolveInWorkspace(workspace, "a/new/c.txt");
  assert.deepEqual(fresh, { ok: true, absolute: path.join(workspace, "a", "new", "c.txt"), relative: "a/new/c.txt", exists: false });
  const root = await resolveInWorkspace(workspace, ".", { kind: "dir", mustExist: true });
  assert.ok(root.ok && root.relative === ".");
  const missing = await resolveInWorkspace(workspace, "nope.txt", { mustExist: true });
  assert.equal(missing.ok, false);
});

test("file tools refuse escaping paths and touch nothing outside", async (t) => {
  const parent = await makeTempDir(t);
  const workspace = path.join(parent, "ws");
  await mkdir(workspace);
  const context = makeToolContext(workspace);
  const read = await readFileTool.execute({ path: "/etc/passwd" }, context);
  assert.equal(read.ok, false);
  const write = await writeFileTool.execute({ path: "../escaped.txt", content: "x" }, context);
  assert.equal(write.ok, false);
  await assert.rejects(import("node:fs/promises").then((fs) => fs.stat(path.join(parent, "escaped.txt"))), { code: "ENOENT" });
});
