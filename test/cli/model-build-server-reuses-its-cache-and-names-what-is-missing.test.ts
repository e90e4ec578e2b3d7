// `apprentice model build-server` prints the path of a build recorded for the bundled llama.cpp release without
// building again, refuses a bad --jobs, and names the missing tool when cmake is not installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { locateLlamaSourceBundle } from "../../src/brain/llama-source-bundle.js";
import { TEST_CACHE_DIR } from "../support/state-fixture.js";
import { runCliSplit } from "./model-test-support.js";

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-build-server-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The full path of `program` on this PATH. */
function onPath(program: string): string {
  const found = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((dir) => path.join(dir, program))
    .find((file) => existsSync(file));
  assert.ok(found !== undefined, `${program} is on PATH`);
  return found;
}

test("a build recorded for the bundled release is reused: its path is printed, nothing is built", async (t) => {
  const located = await locateLlamaSourceBundle(TEST_CACHE_DIR);
  assert.ok(located.ok, located.ok ? "" : located.reason);
  const cache = await tempDir(t);
  const { tag, commit } = located.bundle;
  const folder = path.join(cache, `${tag.replace(/[^\w.-]/g, "_")}-${commit.slice(0, 12)}`);
  await mkdir(path.join(folder, "bin"), { recursive: true });
  // The recorded build is whatever build.json names beside a binary; a real one is made by the server tests.
  await writeFile(path.join(folder, "bin", "llama-server"), "#!/bin/sh\n", { mode: 0o755 });
  const record = { tag, commit, buildSeconds: 812.5, builtAt: "2026-12-07T21:00:00.000Z" };
  await writeFile(path.join(folder, "build.json"), JSON.stringify(record));
  const env = { APPRENTICE_CACHE_DIR: TEST_CACHE_DIR, APPRENTICE_LLAMA_SERVER_CACHE: cache };

  const text = await runCliSplit(["model", "build-server"], env);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, `${path.join(folder, "bin", "llama-server")}\n`);
  assert.match(text.stderr, /was built before \(812\.5 s/);
  const json = await runCliSplit(["model", "build-server", "--json"], env);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), {
    binary: path.join(folder, "bin", "llama-server"),
    ...record,
    built: false,
  });

  const bad = await runCliSplit(["model", "build-server", "--jobs", "0"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--jobs must be a whole number from 1 to 256, not '0'/);
});

test("without cmake on PATH the build stops with what to install, and leaves no work folder behind", async (t) => {
  const dir = await tempDir(t);
  const bin = path.join(dir, "bin");
  await mkdir(bin);
  await symlink(process.execPath, path.join(bin, "node"));
  await symlink(onPath("git"), path.join(bin, "git"));
  const cache = path.join(dir, "cache");
  const run = await runCliSplit(["model", "build-server"], {
    APPRENTICE_CACHE_DIR: TEST_CACHE_DIR,
    APPRENTICE_LLAMA_SERVER_CACHE: cache,
    PATH: bin,
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /cmake is not installed \(building llama-server needs cmake and a C\+\+ compiler/);
  assert.match(run.stderr, /cloning llama\.cpp /, "progress reached stderr first");
  assert.equal(run.stdout, "");
  const [folder] = await readdir(cache);
  assert.deepEqual(
    (await readdir(path.join(cache, folder as string))).filter((name) => name.startsWith(".work-")),
    [],
  );
});
