// House rule: a cycle's records (the cycle index, the marker, the end-of-cycle db write, the pending journal entry, the
// inbox archive) are written only under src/record/, so the crash-safe order lives in one place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));
const WRITERS =
  /\b(appendCycleRecord|writeCycleMarker|writeDbAfter|archiveInbox|appendRenderedEntry|completeJournalEntry)\(|\.pendingJournal\s*=|\.inProgress\s*=/;
/** The modules that declare those writes (and the store that reads the marker back), not call them for a cycle. */
const DECLARED_IN = new Set(["memory/db.ts", "memory/inbox.ts", "memory/journal.ts", "memory/state-store-file.ts"]);

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)));
}

test("only src/record/ writes a cycle's records", async () => {
  const offenders: string[] = [];
  for (const file of await listTs(SRC)) {
    if (file.startsWith(`record${path.sep}`) || DECLARED_IN.has(file.split(path.sep).join("/"))) continue;
    const text = await readFile(path.join(SRC, file), "utf8");
    text.split("\n").forEach((line, index) => {
      if (WRITERS.test(line)) offenders.push(`src/${file}:${index + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test("nothing in src/cli/ imports the orchestrator (src/cycle/run-cycle.ts)", async () => {
  const offenders: string[] = [];
  for (const file of await listTs(path.join(SRC, "cli"))) {
    const text = await readFile(path.join(SRC, file), "utf8");
    if (/from "[^"]*cycle\/run-cycle\.js"/.test(text)) offenders.push(`src/${file}`);
  }
  assert.deepEqual(offenders, []);
});
