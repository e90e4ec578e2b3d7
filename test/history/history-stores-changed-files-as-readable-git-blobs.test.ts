// Regression: history used isomorphic-git's status walk and add (≈500 ms per cycle for an 18 MB db.json); the native hashing path must store blobs git reads back, and record nothing when nothing changed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import git from "isomorphic-git";
import fs from "node:fs";
import { blobOid, diffEntry, listHistory, recordHistory } from "../../src/history/state-history.js";
import { statePaths } from "../../src/memory/state-paths.js";

test("changed files become blobs isomorphic-git reads back, and an unchanged state records no entry", async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), "apprentice-history-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const paths = statePaths(root);
  const db = `${JSON.stringify({ version: 2, lessons: Array.from({ length: 500 }, (_, index) => ({ id: `L${index}`, text: "é ünïcode — text" })) }, null, 2)}\n`;
  await writeFile(paths.db, db);
  await fs.promises.mkdir(paths.journal, { recursive: true });
  await writeFile(path.join(paths.journal, "2026-01-05.md"), "# Journal 2026-01-05\n");
  const first = await recordHistory(paths, {
    event: "cycle",
    cycle: 1,
    subject: "Cycle 1",
    now: new Date(Date.UTC(2026, 0, 5)),
  });
  assert.ok(first !== undefined);
  const { blob, oid } = await git.readBlob({ fs, dir: root, gitdir: paths.history, oid: first, filepath: "db.json" });
  assert.equal(Buffer.from(blob).toString("utf8"), db);
  assert.equal(oid, blobOid(Buffer.from(db)));

  assert.equal(
    await recordHistory(paths, {
      event: "cycle",
      cycle: 2,
      subject: "Cycle 2",
      now: new Date(Date.UTC(2026, 0, 5, 1)),
    }),
    undefined,
  );

  await writeFile(paths.db, db.replace("L7", "L7b"));
  await fs.promises.rm(path.join(paths.journal, "2026-01-05.md"));
  const third = await recordHistory(paths, {
    event: "cycle",
    cycle: 3,
    subject: "Cycle 3",
    now: new Date(Date.UTC(2026, 0, 5, 2)),
  });
  assert.ok(third !== undefined);
  const [latest] = await listHistory(paths, 1);
  assert.ok(latest !== undefined);
  const changes = await diffEntry(paths, latest);
  assert.deepEqual(
    changes.map((change) => [change.path, change.change]),
    [
      ["db.json", "modified"],
      ["journal/2026-01-05.md", "deleted"],
    ],
  );
  assert.match(changes[0]?.patch ?? "", /-.*"L7"[\s\S]*\+.*"L7b"/);
});
