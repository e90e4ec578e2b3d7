// DurableJsonFile reports an empty, unparseable or rejected file as a CorruptStateError naming the file, never as null.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CorruptStateError, DurableJsonFile } from "../../src/memory/durable-json-file.js";

test("empty, garbage and schema-rejected content throw CorruptStateError with file and reason", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-djf-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "state.json");
  const cases: Array<{ content: string; reason: RegExp; parse?: (value: unknown) => unknown }> = [
    { content: "", reason: /empty/ },
    { content: "  \n", reason: /empty/ },
    { content: '{"version": 1, "a": [1, 2', reason: /invalid JSON/ },
    { content: "not json at all", reason: /invalid JSON/ },
    {
      content: '{"version": 7}',
      reason: /version 7/,
      parse: (value) => {
        if ((value as { version: number }).version !== 1) throw new Error("unknown version 7");
        return value;
      },
    },
  ];
  for (const { content, reason, parse } of cases) {
    await writeFile(file, content);
    const adapter = new DurableJsonFile<unknown>(file, parse ? { parse } : {});
    await assert.rejects(adapter.read(), (error: unknown) => {
      assert.ok(error instanceof CorruptStateError, `expected CorruptStateError for ${JSON.stringify(content)}`);
      assert.equal(error.file, file);
      assert.match(error.reason, reason);
      return true;
    });
  }
});
