import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { appendFileTool } from "../../src/tools/append-file.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { makeTempDir, makeToolContext, testLimits } from "./tool-context.js";

test("write_file refuses content over maxFileBytes, counting bytes not characters", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { limits: { ...testLimits, maxFileBytes: 100 } });
  assert.equal((await writeFileTool.execute({ path: "a.txt", content: "x".repeat(101) }, context)).ok, false);
  assert.equal((await writeFileTool.execute({ path: "b.txt", content: "é".repeat(51) }, context)).ok, false);
  assert.deepEqual(await readdir(workspace), []);
  const exact = await writeFileTool.execute({ path: "a.txt", content: "x".repeat(100) }, context);
  assert.deepEqual(exact, { ok: true, output: "wrote 100 bytes to a.txt", touched: ["a.txt"] });
});

test("append_file refuses growth past maxFileBytes and leaves the file as it was", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace, { limits: { ...testLimits, maxFileBytes: 100 } });
  assert.equal((await writeFileTool.execute({ path: "log.txt", content: "a".repeat(60) }, context)).ok, true);
  assert.equal((await appendFileTool.execute({ path: "log.txt", content: "b".repeat(40) }, context)).ok, true);
  const over = await appendFileTool.execute({ path: "log.txt", content: "c" }, context);
  assert.equal(over.ok, false);
  assert.match(over.ok ? "" : over.error, /would grow to 101 bytes/);
  assert.equal(await readFile(path.join(workspace, "log.txt"), "utf8"), "a".repeat(60) + "b".repeat(40));
});

test("write_file creates parent folders, replaces whole files and leaves no temp files", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace);
  assert.equal((await writeFileTool.execute({ path: "a/b/c.txt", content: "first version" }, context)).ok, true);
  assert.equal((await writeFileTool.execute({ path: "a/b/c.txt", content: "second" }, context)).ok, true);
  assert.equal(await readFile(path.join(workspace, "a", "b", "c.txt"), "utf8"), "second");
  assert.deepEqual(await readdir(path.join(workspace, "a", "b")), ["c.txt"]);
  const appended = await appendFileTool.execute({ path: "x/y/new.txt", content: "hello" }, context);
  assert.equal(appended.ok, true);
  assert.equal(await readFile(path.join(workspace, "x", "y", "new.txt"), "utf8"), "hello");
});

test("write_file refuses a path under an existing file", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace);
  assert.equal((await writeFileTool.execute({ path: "plain.txt", content: "x" }, context)).ok, true);
  const nested = await writeFileTool.execute({ path: "plain.txt/inner.txt", content: "y" }, context);
  assert.equal(nested.ok, false);
});
