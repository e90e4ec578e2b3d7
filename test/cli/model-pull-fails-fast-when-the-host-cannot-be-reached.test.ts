import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { makeStateDir } from "../support/state-fixture.js";
import { closedPort, listFiles, runCliSplit } from "./model-test-support.js";

/** The brief's bound: an offline pull must fail at once, not after the downloader's minutes of retries. */
const FAST_MS = 10_000;
const CLEAR_MESSAGE =
  /^apprentice: cannot reach \S+: .+; model pull needs network — copy a \.gguf into .*\/models\/ instead$/m;

test("pull from a closed port fails at once with a clear message, exit 1, no stack trace and nothing left in models/", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const port = await closedPort();
  const run = await runCliSplit(["model", "pull", `http://127.0.0.1:${port}/x.gguf`, "--state", dir]);
  assert.equal(run.code, 1, run.stderr);
  assert.ok(run.elapsedMs < FAST_MS, `took ${Math.round(run.elapsedMs)} ms`);
  assert.match(run.stderr, CLEAR_MESSAGE);
  assert.match(run.stderr, new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
  assert.match(
    run.stderr,
    new RegExp(`copy a \\.gguf into ${path.join(dir, "models").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/ instead`),
  );
  assert.doesNotMatch(run.stdout + run.stderr, /^\s+at /m);
  assert.deepEqual(await listFiles(path.join(dir, "models")), []);
});

test("pull from port 9 (the discard port, which fetch refuses) fails the same way", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCliSplit(["model", "pull", "http://127.0.0.1:9/x.gguf", "--state", dir, "--json"]);
  assert.equal(run.code, 1);
  assert.ok(run.elapsedMs < FAST_MS, `took ${Math.round(run.elapsedMs)} ms`);
  assert.match(run.stderr, CLEAR_MESSAGE);
  const result = JSON.parse(run.stdout) as { status: string; reason: string };
  assert.deepEqual([result.status, result.reason], ["failed", "unreachable"], "--json still prints one JSON value");
  assert.deepEqual(await listFiles(path.join(dir, "models")), []);
});

test("an hf: URI whose Hugging Face endpoint cannot be reached fails at once and names that host", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const port = await closedPort();
  // HF_ENDPOINT is node-llama-cpp's own mirror setting; pointing it at a closed port is a deterministic "offline".
  const run = await runCliSplit(["model", "pull", "hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M", "--state", dir], {
    HF_ENDPOINT: `http://127.0.0.1:${port}/`,
  });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(run.elapsedMs < FAST_MS, `took ${Math.round(run.elapsedMs)} ms`);
  assert.match(run.stderr, CLEAR_MESSAGE);
  assert.match(run.stderr, new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}:`));
  assert.doesNotMatch(run.stdout + run.stderr, /^\s+at /m);
  assert.deepEqual(await listFiles(path.join(dir, "models")), []);
});

test("a URI that is neither http(s) nor hf: is a usage error (exit 2)", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCliSplit(["model", "pull", "ftp://example.org/x.gguf", "--state", dir]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /only https:\/\/, http:\/\/ and hf: URIs/);
});
