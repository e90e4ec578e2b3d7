// Regression: lessons.json or cycle.json holding valid JSON that is not an object (`null`, `[]`) or a marker whose
// `inProgress` is null threw a TypeError out of openDb (a crash on every start); now each is quarantined and reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { openDb } from "../../src/memory/db.js";

const cases = [
  { file: "lessons.json", content: "null\n" },
  { file: "lessons.json", content: "[1,2]\n" },
  { file: "cycle.json", content: "null\n" },
  { file: "cycle.json", content: '{"version":1,"inProgress":null}\n' },
];

for (const { file, content } of cases) {
  test(`${file} holding ${content.trim()} is quarantined, not a crash`, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-null-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, file), content);

    const { warnings } = await openDb(path.join(dir, "db.json"), {
      logger: createMemoryLogger(),
      clock: () => new Date("2024-05-01T10:20:30.123Z"),
    });

    const moved = (await readdir(dir)).filter((name) => name.startsWith(`${file}.corrupt-`));
    assert.equal(moved.length, 1);
    assert.equal(await readFile(path.join(dir, moved[0] as string), "utf8"), content);
    assert.ok(
      warnings.some((warning) => warning.includes(path.join(dir, file))),
      warnings.join("\n"),
    );
  });
}
