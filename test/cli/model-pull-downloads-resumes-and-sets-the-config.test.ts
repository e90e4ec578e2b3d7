import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { spawn } from "node:child_process";
import path from "node:path";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";
import { CLI, makeStateDir, testModel } from "../support/state-fixture.js";
import { listFiles, runCliSplit, serveGguf } from "./model-test-support.js";

async function readModelPath(dir: string): Promise<unknown> {
  const config = JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")) as { model: { path: unknown } };
  return config.model.path;
}

test("pull --use downloads into models/, checks the GGUF and sets model.path to models/<file>", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const bytes = await readFile(await testModel());
  const server = await serveGguf(bytes, "tiny.gguf");
  t.after(() => server.close());

  const run = await runCliSplit(["model", "pull", server.url, "--use", "--json", "--state", dir]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as {
    status: string;
    file: string;
    sizeBytes: number;
    used: string;
    restartNeeded: boolean;
  };
  assert.deepEqual(
    [result.status, result.file, result.sizeBytes, result.used, result.restartNeeded],
    ["pulled", "tiny.gguf", bytes.length, "models/tiny.gguf", false],
  );
  assert.ok((await readFile(path.join(dir, "models", "tiny.gguf"))).equals(bytes));
  assert.equal(await readModelPath(dir), "models/tiny.gguf");
  assert.match(run.stderr, /\[#+\] 100%/, "a progress bar on stderr");
  assert.deepEqual(await listFiles(path.join(dir, "models")), ["tiny.gguf"]);

  const again = await runCliSplit(["model", "pull", server.url, "--state", dir]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already complete/);
});

test("a 404 fails with exit 1, says so, and leaves nothing behind", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const server = await serveGguf(Buffer.from("unused"), "tiny.gguf");
  t.after(() => server.close());
  const run = await runCliSplit([
    "model",
    "pull",
    server.url.replace("tiny.gguf", "missing.gguf"),
    "--use",
    "--state",
    dir,
  ]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /answered 404/);
  assert.deepEqual(await listFiles(path.join(dir, "models")), []);
  assert.equal(await readModelPath(dir), null, "--use changes nothing when the pull failed");
});

test("a file that is not a GGUF is removed and not used", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const server = await serveGguf(Buffer.from("<html>sign in to download</html>\n".repeat(50)), "page.gguf");
  t.after(() => server.close());
  const run = await runCliSplit(["model", "pull", server.url, "--use", "--state", dir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /is not a GGUF file .*; it was removed/);
  assert.deepEqual(await listFiles(path.join(dir, "models")), []);
  assert.equal(await readModelPath(dir), null);
});

test("an interrupted pull keeps its partial file and the next pull resumes instead of starting over", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  // About 17 MB: more than the downloader's 5 MiB chunk, so a first chunk can land before the interruption.
  const bytes = await readFile(
    await testModel({ seed: 7, embeddingLength: 256, blockCount: 4, headCount: 4, feedForwardLength: 1024 }),
  );
  const server = await serveGguf(bytes, "big.gguf");
  t.after(() => server.close());
  server.hangLaterRanges = true;

  const child = spawn(CLI, ["model", "pull", server.url, "--state", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const partial = path.join(dir, "models", "big.gguf.ipull");
  const deadline = Date.now() + 20_000;
  while (
    !(await stat(partial).then(
      (info) => info.size > 0,
      () => false,
    ))
  ) {
    assert.ok(Date.now() < deadline, `no partial file appeared; stderr:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The partial file appears when the first chunk is written; its progress record follows right after.
  await new Promise((resolve) => setTimeout(resolve, 500));
  child.kill("SIGINT");
  assert.equal(await exited, 1);
  assert.match(stderr, /interrupted: .*big\.gguf\.ipull is kept: run the same command again to resume/);
  assert.doesNotMatch(stderr, /^\s+at /m);

  server.hangLaterRanges = false;
  const firstRequests = server.requests.length;
  const resumed = await runCliSplit(["model", "pull", server.url, "--state", dir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const ranges = server.requests.slice(firstRequests).filter((request) => request.startsWith("GET bytes="));
  assert.ok(ranges.length > 0, server.requests.join("\n"));
  assert.ok(
    !ranges.some((request) => request.startsWith("GET bytes=0-")),
    `the first chunk was not fetched again: ${ranges.join(", ")}`,
  );
  assert.ok((await readFile(path.join(dir, "models", "big.gguf"))).equals(bytes));
  assert.deepEqual(await listFiles(path.join(dir, "models")), ["big.gguf"]);
});

test("pull --use while a daemon holds the lock writes the config and says the daemon loads it from its next cycle", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.ok(lock.ok);
  t.after(() => lock.release());
  const server = await serveGguf(await readFile(await testModel()), "tiny.gguf");
  t.after(() => server.close());

  const run = await runCliSplit(["model", "pull", server.url, "--use", "--state", dir]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    new RegExp(`A daemon \\(pid ${process.pid}\\) holds .*: it loads the new model from its next cycle`),
  );
  assert.equal(await readModelPath(dir), "models/tiny.gguf");
});

test("pull --use refuses before downloading when config.json is invalid", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false, config: { limits: { maxSteps: "many" } } });
  t.after(cleanup);
  const server = await serveGguf(await readFile(await testModel()), "tiny.gguf");
  t.after(() => server.close());
  const run = await runCliSplit(["model", "pull", server.url, "--use", "--state", dir]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /limits\.maxSteps.*fix it first/);
  assert.deepEqual(server.requests, [], "nothing was downloaded");
});
