// quarantineFile moves a file aside under a fresh `.corrupt-<ts>` name and never overwrites an earlier quarantine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { quarantineFile } from "../../src/memory/quarantine.js";

test("two quarantines at the same instant get distinct names and keep both contents", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-quarantine-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  const clock = (): Date => new Date("2024-05-01T10:20:30.123Z");

  await writeFile(file, "first");
  const first = await quarantineFile(file, "test", clock);
  await writeFile(file, "second");
  const second = await quarantineFile(file, "test", clock);

  assert.equal(first, path.join(dir, "db.json.corrupt-2024-05-01T10-20-30-123Z"));
  assert.equal(second, `${first}-1`);
  assert.equal(await readFile(first, "utf8"), "first");
  assert.equal(await readFile(second, "utf8"), "second");
  await assert.rejects(access(file), { code: "ENOENT" }, "the original name is free for a fresh file");
});
