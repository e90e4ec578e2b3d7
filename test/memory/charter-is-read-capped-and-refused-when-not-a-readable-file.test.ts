// loadCharter: a missing charter is empty, a long one is cut with a warning, and a folder or a FIFO in its place is
// an error naming the file (a FIFO is never opened, so the read cannot hang).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadCharter } from "../../src/memory/charter-file.js";

test("missing is empty, short is whole, long is cut with a warning, a folder or a FIFO is refused", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-charter-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "charter.md");
  assert.deepEqual(await loadCharter(file), { ok: true, text: "" });
  await writeFile(file, "Keep notes tidy. é\n");
  assert.deepEqual(await loadCharter(file), { ok: true, text: "Keep notes tidy. é\n" });
  await writeFile(file, "x".repeat(40));
  assert.deepEqual(await loadCharter(file, 16), {
    ok: true,
    text: "x".repeat(16),
    warning: `${file} is 40 bytes; only its first 16 bytes are read into the prompt`,
  });
  await rm(file);
  await mkdir(file);
  assert.deepEqual(await loadCharter(file), { ok: false, error: `${file} is not a regular file` });
  await rm(file, { recursive: true });
  execFileSync("mkfifo", [file]);
  assert.deepEqual(await loadCharter(file), { ok: false, error: `${file} is not a regular file` });
});
