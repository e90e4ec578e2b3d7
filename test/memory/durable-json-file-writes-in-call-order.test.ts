// Overlapping DurableJsonFile writes land in call order, so an older snapshot never overwrites a newer one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DurableJsonFile } from "../../src/memory/durable-json-file.js";

test("the last of many concurrent writes is what the file holds", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-djf-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "state.json");
  const adapter = new DurableJsonFile<{ n: number; pad: string }>(file);
  // Earlier writes are bigger, so they would finish later if nothing ordered them.
  const writes = Array.from({ length: 20 }, (_, n) => adapter.write({ n, pad: "x".repeat((20 - n) * 20_000) }));
  await Promise.all(writes);
  assert.equal((await adapter.read())?.n, 19);
  assert.deepEqual(await readdir(dir), ["state.json"]);
});
