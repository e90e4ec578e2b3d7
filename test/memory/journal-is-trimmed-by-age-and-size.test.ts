// The journal keeps `keepDays` day files and `maxBytes` in all: old days go first, today's file is never deleted and
// is cut to its newest entries only when it alone is too big; files that are not day files are left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { trimJournal } from "../../src/memory/journal.js";

function day(name: string, cycles: number[], bytesPerEntry = 100): string {
  return `# Journal ${name}\n${cycles.map((cycle) => `\n## Cycle ${cycle}\n${"x".repeat(bytesPerEntry)}\n`).join("")}`;
}

test("days past keepDays go, then the oldest until the rest fits; today's file stays", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-journal-trim-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const journal = path.join(dir, "journal");
  await mkdir(journal);
  const names = ["2026-03-01", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"];
  for (const [index, name] of names.entries())
    await writeFile(path.join(journal, `${name}.md`), day(name, [index * 10 + 1, index * 10 + 2], 1000));
  await writeFile(path.join(journal, "notes.txt"), "the operator's own file");
  const now = new Date(2026, 2, 10, 12);

  const byAge = await trimJournal(journal, { maxBytes: 1_000_000, keepDays: 4, now });
  assert.deepEqual(byAge, { removed: ["2026-03-01.md"], cutEntries: 0 });

  const bySize = await trimJournal(journal, { maxBytes: 4500, keepDays: 365, now });
  assert.deepEqual(bySize.removed, ["2026-03-07.md", "2026-03-08.md"]);
  assert.deepEqual((await readdir(journal)).sort(), ["2026-03-09.md", "2026-03-10.md", "notes.txt"]);
});

test("today's file alone past the limit keeps its heading and its newest entries", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-journal-trim-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "2026-03-10.md");
  await writeFile(
    file,
    day(
      "2026-03-10",
      Array.from({ length: 100 }, (_, index) => index + 1),
    ),
  );
  const result = await trimJournal(dir, { maxBytes: 2000, keepDays: 365, now: new Date(2026, 2, 10, 12) });
  const text = await readFile(file, "utf8");
  assert.ok(text.startsWith("# Journal 2026-03-10\n\n## Cycle "));
  const kept = [...text.matchAll(/^## Cycle (\d+)$/gm)].map((match) => Number(match[1]));
  assert.equal(result.cutEntries, 100 - kept.length);
  assert.ok(
    kept.length >= 1 && Buffer.byteLength(text) <= 1000 + 200,
    `${kept.length} entries, ${Buffer.byteLength(text)} bytes`,
  );
  assert.deepEqual(
    kept,
    Array.from({ length: kept.length }, (_, index) => 101 - kept.length + index),
    "the newest entries, in order",
  );
});
