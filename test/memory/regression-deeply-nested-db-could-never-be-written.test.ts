// Regression: a db.json with a deeply nested unknown key (a JSON bomb) parsed fine and was kept (the schema is loose),
// but JSON.stringify recursed past the stack on every write, so every cycle failed. It is now quarantined on open.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { createDefaultDbData, openDb, writeDb } from "../../src/memory/db.js";

test("a db.json nested 100 000 levels deep is quarantined and the db can be written", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-bomb-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const depth = 100_000;
  const good = JSON.stringify(createDefaultDbData());
  await writeFile(file, `${good.slice(0, -1)},"bomb":${"[".repeat(depth)}${"]".repeat(depth)}}`);

  const { db, warnings } = await openDb(file, {
    logger: createMemoryLogger(),
    clock: () => new Date("2024-05-01T10:20:30.123Z"),
  });
  await writeDb(db);

  assert.equal((await readdir(dir)).filter((name) => name.startsWith("db.json.corrupt-")).length, 1);
  assert.ok(
    warnings.some((warning) => warning.includes("nested more than")),
    warnings.join("\n"),
  );
});
