import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseWorkspacePath } from "../../src/tools/sandbox-path.js";
import { listDirTool } from "../../src/tools/list-dir.js";
import { readFileTool } from "../../src/tools/read-file.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("parseWorkspacePath refuses .., absolute, NUL, empty and over-long paths", () => {
  const bad = ["..", "../x", "a/../../x", "a/..", "a\\..\\x", "/etc/passwd", "/", "", "a\0b", "x".repeat(257)];
  for (const relPath of bad) {
    const result = parseWorkspacePath(relPath);
    assert.equal(result.ok, false, `expected ${JSON.stringify(relPath)} to be refused`);
  }
  assert.equal(parseWorkspacePath(42).ok, false);
});

test("parseWorkspacePath normalizes plain relative paths into plain names", () => {
  assert.deepEqual(parseWorkspacePath("./a/./b.txt"), { ok: true, relative: "a/b.txt", parts: ["a", "b.txt"] });
  assert.deepEqual(parseWorkspacePath("a//new/c.txt/"), {
    ok: true,
    relative: "a/new/c.txt",
    parts: ["a", "new", "c.txt"],
  });
  assert.deepEqual(parseWorkspacePath("."), { ok: true, relative: ".", parts: [] });
  assert.deepEqual(parseWorkspacePath("./"), { ok: true, relative: ".", parts: [] });
});

test("read_file and list_dir accept normalized paths and refuse what does not exist", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "a"));
  await writeFile(path.join(workspace, "a", "b.txt"), "hi");
  const context = makeToolContext(workspace);
  assert.deepEqual(await readFileTool.execute({ path: "./a/./b.txt" }, context), {
    ok: true,
    output: "hi",
    touched: ["a/b.txt"],
  });
  const missing = await readFileTool.execute({ path: "nope.txt" }, context);
  assert.deepEqual(missing, { ok: false, error: "nope.txt does not exist" });
  const missingParent = await readFileTool.execute({ path: "no/b.txt" }, context);
  assert.deepEqual(missingParent, { ok: false, error: "no/b.txt: no does not exist" });
  assert.deepEqual(await listDirTool.execute({ path: "." }, context), { ok: true, output: "a/", touched: ["."] });
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
  await assert.rejects(
    import("node:fs/promises").then((fs) => fs.stat(path.join(parent, "escaped.txt"))),
    { code: "ENOENT" },
  );
});
