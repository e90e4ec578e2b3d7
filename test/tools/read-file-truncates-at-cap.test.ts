import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { readFileTool } from "../../src/tools/read-file.js";
import { makeTempDir, makeToolContext, testLimits } from "./tool-context.js";

test("read_file returns at most maxFileBytes with a truncation marker", async (t) => {
  const workspace = await makeTempDir(t);
  await writeFile(path.join(workspace, "big.txt"), "0123456789".repeat(30));
  await writeFile(path.join(workspace, "small.txt"), "short\n");
  const context = makeToolContext(workspace, { limits: { ...testLimits, maxFileBytes: 100 } });

  const big = await readFileTool.execute({ path: "big.txt" }, context);
  assert.ok(big.ok);
  assert.equal(big.output, `${"0123456789".repeat(10)}\n[truncated at 100 bytes]`);
  assert.equal(readFileTool.taint, true, "a file's text is world content");
  const small = await readFileTool.execute({ path: "small.txt" }, context);
  assert.deepEqual(small, { ok: true, output: "short\n", touched: ["small.txt"] });
});

test("read_file never cuts a UTF-8 character in half", async (t) => {
  const workspace = await makeTempDir(t);
  await writeFile(path.join(workspace, "accents.txt"), "é".repeat(20)); // 40 bytes
  const context = makeToolContext(workspace, { limits: { ...testLimits, maxFileBytes: 7 } });
  const outcome = await readFileTool.execute({ path: "accents.txt" }, context);
  assert.ok(outcome.ok);
  assert.equal(outcome.output, "ééé\n[truncated at 7 bytes]");
});
