// Each job template's goal checks fail until the job's own commands have done the job, and pass after, with hostile file names in every folder the job reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstat, readdir, readFile, symlink, utimes } from "node:fs/promises";
import path from "node:path";
import {
  checkJobGoal,
  HOSTILE_NAMES,
  initJob,
  runJobCommand,
  sendToOutbox,
  writeInWorkspace,
  type JobState,
} from "./job-template-support.js";

const DAY_MS = 86_400_000;

async function age(file: string, days: number): Promise<void> {
  const when = new Date(Date.now() - days * DAY_MS);
  await utimes(file, when, when);
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
}

/** The date the job's scripts use (the sandbox's clock and zone), read off the file a script wrote. */
async function dayOfFile(job: JobState, folder: string, pattern: RegExp): Promise<string> {
  const names = await readdir(path.join(job.workspace, folder));
  const day = names.map((name) => pattern.exec(name)?.[1]).find((match) => match !== undefined);
  assert.ok(day !== undefined, `no dated file in ${folder}: ${names.join(", ")}`);
  return day;
}

test("pi-health: old logs are deleted only inside the log folder, and the report goal needs a complete report sent to the outbox", async (t) => {
  const job = await initJob("pi-health");
  t.after(job.cleanup);
  const old: string[] = [];
  const fresh: string[] = [];
  for (const name of HOSTILE_NAMES) {
    const file = await writeInWorkspace(job, path.join("logs", name), `log ${name}\n`);
    await age(file, 20);
    old.push(file);
    fresh.push(await writeInWorkspace(job, path.join("logs", "today", name), "fresh\n"));
  }
  const nearlyOld = await writeInWorkspace(job, "logs/13-days.log", "young enough\n");
  await age(nearlyOld, 13);
  const outside = await writeInWorkspace(job, "keep/old.log", "not a log of the job\n");
  await age(outside, 30);
  await symlink("../keep/old.log", path.join(job.workspace, "logs", "link-to-old.log"));
  await age(await writeInWorkspace(job, "logs/deep/er/old.log", "old\n"), 40);

  const before = await checkJobGoal(job, "old-logs-cleaned");
  assert.equal(before.passed, false, before.output);
  assert.match(before.output, /file\(s\) older than 14 days left in logs/);
  const clean = await runJobCommand(job, "clean-old-logs");
  assert.equal(clean.code, 0, clean.output);
  assert.match(clean.output, new RegExp(`deleted ${HOSTILE_NAMES.length + 1} file\\(s\\)`));
  const after = await checkJobGoal(job, "old-logs-cleaned");
  assert.equal(after.passed, true, after.output);
  for (const file of old) assert.equal(await exists(file), false, `${JSON.stringify(file)} is old and in logs/`);
  for (const file of [...fresh, nearlyOld, outside, path.join(job.workspace, "logs", "link-to-old.log")])
    assert.equal(await exists(file), true, `${JSON.stringify(file)} must stay`);

  const noReport = await checkJobGoal(job, "daily-health-report");
  assert.equal(noReport.passed, false);
  assert.match(noReport.output, /no report reports\/health-/);
  const report = await runJobCommand(job, "health-report");
  assert.equal(report.code, 0, report.output);
  const day = await dayOfFile(job, "reports", /^health-(\d{4}-\d\d-\d\d)\.md$/);
  const text = await readFile(path.join(job.workspace, "reports", `health-${day}.md`), "utf8");
  assert.match(text, new RegExp(`^# Pi health ${day}\\ndisk: \\d+% used, \\d+ MB free of \\d+ MB\\n`));
  // The sandbox shows no /sys, no /run and no VideoCore device: those readings say so rather than fail.
  assert.match(text, /\ntemperature: (unknown|\d+\.\d C)\nthrottled: (unknown|0x\S+.*)\nfailed services: .+\n$/);
  const unsent = await checkJobGoal(job, "daily-health-report");
  assert.equal(unsent.passed, false, "written is not sent");
  assert.match(unsent.output, /has not been sent to the outbox/);
  await sendToOutbox(job, "# Pi health 1999-01-01\nan old report");
  assert.equal((await checkJobGoal(job, "daily-health-report")).passed, false, "another day's report does not count");
  await sendToOutbox(job, `# Pi health ${day}\n${text}`);
  const sent = await checkJobGoal(job, "daily-health-report");
  assert.equal(sent.passed, true, sent.output);

  await writeInWorkspace(job, `reports/health-${day}.md`, `# Pi health ${day}\ndisk: 3% used\ntemperature: 40 C\n`);
  assert.equal((await checkJobGoal(job, "daily-health-report")).passed, false, "a report without every field fails");
});

test("tidy-folder: every file in drop/ lands in sorted/<type>/<month>/ whatever its name, and a misplaced one fails the check", async (t) => {
  const job = await initJob("tidy-folder");
  t.after(job.cleanup);
  const march = new Date(2025, 2, 15, 12);
  const expected = new Map<string, string>([
    ["with space.txt", "documents"],
    ["new\nline.jpg", "images"],
    ["-rf.log", "other"],
    ["*.pdf", "documents"],
    ["[a]?.mp3", "audio"],
    [".hidden.log", "other"],
    ["it's.md", "documents"],
    ["Holiday.JPEG", "images"],
    ["no-extension", "other"],
  ]);
  for (const name of expected.keys()) {
    const file = await writeInWorkspace(job, path.join("drop", name), `content of ${name}\n`);
    await utimes(file, march, march);
  }
  const taken = await writeInWorkspace(job, "sorted/documents/2025-03/with space.txt", "sorted before\n");
  await utimes(taken, march, march);
  await writeInWorkspace(job, "drop/folder/inner.txt", "a folder is left alone\n");
  await writeInWorkspace(job, "elsewhere.txt", "target of a link\n");
  await symlink("../elsewhere.txt", path.join(job.workspace, "drop", "link.txt"));

  const before = await checkJobGoal(job, "drop-folder-sorted");
  assert.equal(before.passed, false, before.output);
  assert.match(before.output, new RegExp(`${expected.size} file\\(s\\) wait in drop`));
  const sort = await runJobCommand(job, "sort-drop");
  assert.equal(sort.code, 0, sort.output);
  assert.match(sort.output, new RegExp(`moved ${expected.size} file\\(s\\)`));
  const after = await checkJobGoal(job, "drop-folder-sorted");
  assert.equal(after.passed, true, after.output);
  for (const [name, kind] of expected) {
    const sortedName = name === "with space.txt" ? "1-with space.txt" : name;
    const moved = path.join(job.workspace, "sorted", kind, "2025-03", sortedName);
    assert.equal(await readFile(moved, "utf8"), `content of ${name}\n`, JSON.stringify(name));
  }
  assert.equal(await readFile(taken, "utf8"), "sorted before\n", "a taken name is never overwritten");
  assert.equal(await exists(path.join(job.workspace, "drop", "folder", "inner.txt")), true);
  assert.equal((await lstat(path.join(job.workspace, "drop", "link.txt"))).isSymbolicLink(), true);

  const wrong = await writeInWorkspace(job, "sorted/images/2025-03/report.pdf", "a pdf among the images\n");
  await utimes(wrong, march, march);
  const misplaced = await checkJobGoal(job, "drop-folder-sorted");
  assert.equal(misplaced.passed, false, misplaced.output);
  assert.match(misplaced.output, /misplaced: a file in sorted\/images\/2025-03 belongs in sorted\/documents\/2025-03/);
});

test("daily-digest: the digest holds exactly today's messages and notes, goes stale when one arrives, and must reach the outbox", async (t) => {
  const job = await initJob("daily-digest");
  t.after(job.cleanup);
  for (const name of HOSTILE_NAMES) await writeInWorkspace(job, path.join("incoming", name), `message ${name}\n`);
  await age(await writeInWorkspace(job, "incoming/yesterday.txt", "an old message\n"), 3);
  await writeInWorkspace(job, "notes/shopping.md", "buy milk\n");

  const before = await checkJobGoal(job, "daily-digest");
  assert.equal(before.passed, false);
  assert.match(before.output, /no digest digest\/.*\.md yet/);
  const make = await runJobCommand(job, "make-digest");
  assert.equal(make.code, 0, make.output);
  const day = await dayOfFile(job, "digest", /^(\d{4}-\d\d-\d\d)\.md$/);
  const digest = await readFile(path.join(job.workspace, "digest", `${day}.md`), "utf8");
  assert.match(digest, new RegExp(`^# Digest ${day}\\n\\n## Messages \\(${HOSTILE_NAMES.length}\\)\\n`));
  for (const name of HOSTILE_NAMES) assert.ok(digest.includes(`message ${name}\n`), JSON.stringify(name));
  assert.ok(digest.includes("### new?line.jpg\n"), "a control in a name is shown as ?");
  assert.ok(!digest.includes("an old message"), "another day's message is left out");
  assert.match(digest, /## Notes \(1\)\n\n### shopping\.md\nbuy milk\n/);

  const unsent = await checkJobGoal(job, "daily-digest");
  assert.equal(unsent.passed, false);
  assert.match(unsent.output, /has not been sent to the outbox/);
  await sendToOutbox(job, "# Digest 1999-01-01\nan old digest");
  assert.equal((await checkJobGoal(job, "daily-digest")).passed, false, "another day's digest does not count");
  await sendToOutbox(job, `# Digest ${day}\n${HOSTILE_NAMES.length} messages, 1 note.`);
  const sent = await checkJobGoal(job, "daily-digest");
  assert.equal(sent.passed, true, sent.output);

  await writeInWorkspace(job, "incoming/late.txt", "arrived after the digest\n");
  const stale = await checkJobGoal(job, "daily-digest");
  assert.equal(stale.passed, false, "a message the digest lacks fails the check");
  assert.match(stale.output, /does not hold today's messages and notes as they are now/);
  assert.equal((await runJobCommand(job, "make-digest")).code, 0);
  assert.equal((await checkJobGoal(job, "daily-digest")).passed, true);
});
