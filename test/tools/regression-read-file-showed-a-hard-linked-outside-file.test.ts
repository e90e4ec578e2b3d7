import { test } from "node:test";
import assert from "node:assert/strict";
import { link, writeFile } from "node:fs/promises";
import path from "node:path";
import { readFileTool } from "../../src/tools/read-file.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

// Bug: writes refused files with a second hard link, but read_file showed them, so a hard link planted in the
// workspace read an outside file's content.
test("read_file refuses a file with a second hard link", async (t) => {
  const workspace = await makeTempDir(t);
  const outside = await makeTempDir(t, "apprentice-outside-");
  await writeFile(path.join(outside, "secret.txt"), "top secret");
  await link(path.join(outside, "secret.txt"), path.join(workspace, "hard.txt"));
  const outcome = await readFileTool.execute({ path: "hard.txt" }, makeToolContext(workspace));
  assert.equal(outcome.ok, false);
  assert.match(outcome.ok ? "" : outcome.error, /has 2 hard links; reading it could show a file outside the workspace/);
  assert.ok(!JSON.stringify(outcome).includes("top secret"));
});
