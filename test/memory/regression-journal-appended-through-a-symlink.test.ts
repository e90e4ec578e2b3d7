// Regression: journal/<today>.md planted as a symlink to a file outside the state dir was appended through (the canary
// changed), and an older day file symlinked outside was read into the prompt. Now the link is moved aside and a fresh
// day file started, and linked day files are never read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { appendJournalEntry, formatLocalDate, readRecentJournalEntries } from "../../src/memory/journal.js";

test("today's journal file as a symlink outside is moved aside and never written through", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-journal-link-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const journal = path.join(dir, "journal");
  await mkdir(journal);
  const canary = path.join(dir, "canary.txt");
  await writeFile(canary, "canary\n");
  const now = new Date();
  await symlink(canary, path.join(journal, `${formatLocalDate(now)}.md`));
  await symlink(canary, path.join(journal, "2020-01-01.md"));
  const warnings: string[] = [];

  await appendJournalEntry(
    journal,
    {
      cycle: 1,
      startedAt: now,
      durationMs: 0,
      status: "ran",
      goals: [],
      steps: [],
      checks: [],
      notes: [],
      learned: [],
    },
    () => now,
    (message) => warnings.push(message),
  );

  assert.equal(await readFile(canary, "utf8"), "canary\n");
  const today = path.join(journal, `${formatLocalDate(now)}.md`);
  assert.ok((await lstat(today)).isFile());
  assert.match(await readFile(today, "utf8"), /## Cycle 1/);
  const moved = (await readdir(journal)).filter((name) => name.includes(".corrupt-"));
  assert.equal(moved.length, 1);
  assert.ok((await lstat(path.join(journal, moved[0] as string))).isSymbolicLink());
  assert.ok(
    warnings.some((warning) => warning.includes(today)),
    warnings.join("\n"),
  );
  assert.ok(!(await readRecentJournalEntries(journal, 5)).join("\n").includes("canary"));
});
