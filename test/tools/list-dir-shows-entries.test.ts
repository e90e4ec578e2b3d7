import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { listDirTool } from "../../src/tools/list-dir.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("list_dir names files with sizes and folders with a slash, counting hidden entries", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "notes"));
  await writeFile(path.join(workspace, "todo.txt"), "12345");
  await writeFile(path.join(workspace, ".secret"), "x");
  const context = makeToolContext(workspace);
  assert.deepEqual(await listDirTool.execute({ path: "." }, context), {
    ok: true,
    output: "notes/\ntodo.txt (5 bytes)\n(+1 hidden)",
    touched: ["."],
  });
  const empty = await listDirTool.execute({ path: "notes" }, context);
  assert.ok(empty.ok && empty.output === "(empty)");
  assert.equal((await listDirTool.execute({ path: "todo.txt" }, context)).ok, false);
});
