// A DurableJsonFile rewrite replaces the whole file with pretty JSON and leaves no temp file behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DurableJsonFile } from "../../src/memory/durable-json-file.js";

test("a rewritten file reads back as the latest data, pretty-printed with a trailing newline", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-djf-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "state.json");
  const adapter = new DurableJsonFile<{ version: 1; items: string[] }>(file);

  assert.equal(await adapter.read(), null, "a missing file reads as null");
  await adapter.write({ version: 1, items: ["a", "b", "c", "d"] });
  await adapter.write({ version: 1, items: ["z"] });

  assert.deepEqual(await adapter.read(), { version: 1, items: ["z"] });
  const text = await readFile(file, "utf8");
  assert.equal(text, `${JSON.stringify({ version: 1, items: ["z"] }, null, 2)}\n`);
  assert.deepEqual(await readdir(dir), ["state.json"], "no temp file is left after successful writes");
});
