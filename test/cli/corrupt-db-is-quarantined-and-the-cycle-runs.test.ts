import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";
import { readDbData } from "../../src/memory/db.js";

test("a garbage db.json is moved aside as db.json.corrupt-<ts>, reported, and the cycle still runs", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hi.md": "hello" } });
  t.after(cleanup);
  await writeFile(path.join(dir, "db.json"), '{"version": 1, "cycle": {"count": 3}, "goa');
  const { code, output } = await runCli(["once", "--state", dir]);
  assert.equal(code, 0, output);
  assert.match(output, /db\.json is unusable/);
  const quarantined = (await readdir(dir)).filter((name) => name.startsWith("db.json.corrupt-"));
  assert.equal(quarantined.length, 1);
  assert.equal(
    await readFile(path.join(dir, quarantined[0] ?? ""), "utf8"),
    '{"version": 1, "cycle": {"count": 3}, "goa',
    "kept byte for byte",
  );
  assert.match(output, /Cycle 1 ran/);
  const db = await readDbData(path.join(dir, "db.json"));
  assert.equal(db.cycle.count, 1);
});
