// Regression: a cycle.json whose marker passed its own file's check but not the db's schema (a negative cycle number, a fractional pid) was blamed on db.json: db.json was quarantined, and open failed; now the marker is checked by the db's own schema and cycle.json is quarantined.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";

const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-01T10:20:30.123Z") };

const markers = [
  { what: "a negative cycle", marker: { cycle: -1, startedAt: "2024-05-01T10:00:00.000Z", pid: 42 } },
  { what: "a fractional pid", marker: { cycle: 3, startedAt: "2024-05-01T10:00:00.000Z", pid: 4.5 } },
];

for (const { what, marker } of markers) {
  test(`a cycle.json marker with ${what} is quarantined; db.json and its data are kept`, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-marker-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "db.json");
    const first = await openDb(file, deps);
    first.db.data.cycle.count = 2;
    await writeDb(first.db);
    const content = `${JSON.stringify({ version: 1, inProgress: marker })}\n`;
    await writeFile(path.join(dir, "cycle.json"), content);

    const { db, warnings } = await openDb(file, deps);

    assert.equal(db.data.cycle.count, 2, "db.json was read, not replaced by a fresh db");
    assert.equal(db.data.cycle.inProgress, undefined);
    const names = await readdir(dir);
    assert.deepEqual(
      names.filter((name) => name.startsWith("db.json.corrupt-")),
      [],
    );
    const moved = names.filter((name) => name.startsWith("cycle.json.corrupt-"));
    assert.equal(moved.length, 1);
    assert.equal(await readFile(path.join(dir, moved[0] as string), "utf8"), content);
    assert.ok(
      warnings.some((warning) => warning.includes(path.join(dir, "cycle.json"))),
      warnings.join("\n"),
    );
  });
}
