import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { link, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { appendFileTool } from "../../src/tools/append-file.js";
import { readFileTool } from "../../src/tools/read-file.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("a file with a second hard link is never written or appended", async (t) => {
  const workspace = await makeTempDir(t);
  const outside = await makeTempDir(t, "apprentice-outside-");
  await writeFile(path.join(outside, "victim.txt"), "original");
  await link(path.join(outside, "victim.txt"), path.join(workspace, "linked.txt"));
  const context = makeToolContext(workspace);

  const write = await writeFileTool.execute({ path: "linked.txt", content: "pwned" }, context);
  assert.equal(write.ok, false);
  assert.match(write.ok ? "" : write.error, /hard links/);
  const append = await appendFileTool.execute({ path: "linked.txt", content: "pwned" }, context);
  assert.equal(append.ok, false);
  assert.equal(await readFile(path.join(outside, "victim.txt"), "utf8"), "original");
});

test("FIFOs and sockets are refused without blocking", async (t) => {
  const workspace = await makeTempDir(t);
  execFileSync("mkfifo", [path.join(workspace, "pipe")]);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path.join(workspace, "sock"), resolve));
  t.after(() => server.close());
  const context = makeToolContext(workspace);

  const started = Date.now();
  const readPipe = await readFileTool.execute({ path: "pipe" }, context);
  assert.equal(readPipe.ok, false);
  assert.match(readPipe.ok ? "" : readPipe.error, /FIFO/);
  assert.equal((await writeFileTool.execute({ path: "pipe", content: "x" }, context)).ok, false);
  assert.equal((await appendFileTool.execute({ path: "pipe", content: "x" }, context)).ok, false);
  const readSocket = await readFileTool.execute({ path: "sock" }, context);
  assert.equal(readSocket.ok, false);
  assert.match(readSocket.ok ? "" : readSocket.error, /socket/);
  assert.ok(Date.now() - started < 2000, "refusals must not wait on the FIFO");
});

test("a directory is refused where a file is expected", async (t) => {
  const workspace = await makeTempDir(t);
  const context = makeToolContext(workspace);
  assert.equal((await writeFileTool.execute({ path: "sub/file.txt", content: "x" }, context)).ok, true);
  const read = await readFileTool.execute({ path: "sub" }, context);
  assert.equal(read.ok, false);
  assert.match(read.ok ? "" : read.error, /directory/);
  assert.equal((await writeFileTool.execute({ path: "sub", content: "x" }, context)).ok, false);
  assert.equal((await writeFileTool.execute({ path: ".", content: "x" }, context)).ok, false);
});
