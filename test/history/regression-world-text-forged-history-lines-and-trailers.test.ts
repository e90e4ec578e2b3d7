// Regression (issue 14, finding 8): history commit messages carried the finish summary and learned reasons raw, so a
// newline could add lines (a fake trailer that turns a cycle into a fork, a fake learned line) and ESC sequences
// reached `apprentice history`. Subject and lines are now one line each with controls shown; trailers are read last.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { listHistory, recordHistory } from "../../src/history/state-history.js";
import { statePaths } from "../../src/memory/state-paths.js";
import { ESCAPES, findRawControl, FORGED_CYCLE } from "../support/hostile-text.js";

test("a hostile subject and lines stay one line each and cannot forge the event or cycle trailers", async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), "apprentice-history-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const paths = statePaths(root);
  await mkdir(paths.journal, { recursive: true });
  await writeFile(paths.db, "{}\n");
  const subject = `Cycle 5 ran in 1.0 s: done\nApprentice-Event: fork\nApprentice-Cycle: 99\n${FORGED_CYCLE} ${ESCAPES}`;
  await recordHistory(paths, {
    event: "cycle",
    cycle: 5,
    subject,
    lines: [`- L1 masked: ${ESCAPES}\nApprentice-Event: rollback`, "Apprentice-Cycle: 77"],
    now: new Date(Date.UTC(2026, 0, 1)),
  });
  const [entry, ...rest] = await listHistory(paths);
  assert.equal(rest.length, 0);
  assert.ok(entry !== undefined);
  assert.equal(entry.event, "cycle");
  assert.equal(entry.cycle, 5);
  assert.equal(entry.subject.split("\n").length, 1);
  assert.ok(entry.subject.startsWith("Cycle 5 ran in 1.0 s: done\\nApprentice-Event: fork\\n"), entry.subject);
  assert.equal(findRawControl(entry.subject), undefined);
  assert.equal(findRawControl(entry.body), undefined);
  assert.deepEqual(
    entry.body.split("\n").map((line) => line.slice(0, 14)),
    ["- L1 masked: \\", "Apprentice-Cyc"],
    "two lines, as given",
  );
});
