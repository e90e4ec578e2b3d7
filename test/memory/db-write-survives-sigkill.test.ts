// Crash test: a real child process rewriting db.json (and appending lesson changes) in a tight loop is SIGKILLed again and again; the db must always load.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";

const KILLS = 6;
const RUN_BEFORE_KILL_MS = 300;

// The compiled module under test, next to this compiled test in dist/.
const dbModuleUrl = pathToFileURL(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/memory/db.js"),
).href;

const writerScript = `
import { appendCycleRecord, openDb, writeDb } from ${JSON.stringify(dbModuleUrl)};
const file = process.argv[2];
const logger = { debug() {}, info() {}, warn: (m) => process.stderr.write(m + "\\n"), error: (m) => process.stderr.write(m + "\\n") };
const { db } = await openDb(file, { logger, clock: () => new Date() });
let announced = false;
for (;;) {
  const cycle = ++db.data.cycle.count;
  const at = new Date().toISOString();
  db.data.cycle.lastStartedAt = at;
  db.data.goals["g" + (cycle % 20)] = { attempts: cycle, lastCheckOutput: "o".repeat(cycle % 500) };
  appendCycleRecord(db, { cycle, startedAt: at, endedAt: at, status: "ran", steps: 3, failedSteps: 1, summary: "s".repeat(200), durationMs: 5 });
  // Lessons (lessons.json) and the marker (cycle.json) change too, so every file of the store is mid-write at some kill.
  const id = "L" + db.data.learning.nextLessonId++;
  db.data.learning.lessons.push({ id, text: "t".repeat(cycle % 300), kind: "fact", scope: { keywords: [] }, evidence: [], helpful: 0, harmful: 0, status: "provisional", source: "self", tainted: false, createdAt: at, createdCycle: cycle, history: [] });
  if (db.data.learning.lessons.length > 40) db.data.learning.lessons.splice(0, 1);
  if (cycle % 2 === 0) db.data.cycle.inProgress = { cycle, startedAt: at, pid: process.pid };
  else delete db.data.cycle.inProgress;
  await writeDb(db);
  if (!announced) { process.stdout.write("ready\\n"); announced = true; }
}
`;

test("db.json always parses after SIGKILL mid-write, and only *.tmp leftovers may remain", async (t) => {
  const scriptDir = await mkdtemp(path.join(os.tmpdir(), "apprentice-crash-script-"));
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "apprentice-crash-state-"));
  t.after(() =>
    Promise.all([rm(scriptDir, { recursive: true, force: true }), rm(stateDir, { recursive: true, force: true })]),
  );
  const script = path.join(scriptDir, "rewrite-db.mjs");
  await writeFile(script, writerScript);
  const file = path.join(stateDir, "db.json");
  const deps = { logger: createMemoryLogger(), clock: () => new Date() };

  let lastCount = 0;
  for (let kill = 1; kill <= KILLS; kill += 1) {
    const child = spawn(process.execPath, [script, file], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = once(child, "exit");
    const deadline = Date.now() + 15_000;
    while (!stdout.includes("ready") && child.exitCode === null && Date.now() < deadline) await sleep(10);
    assert.ok(stdout.includes("ready"), `writer ${kill} never wrote (exit ${child.exitCode}): ${stderr}`);
    await sleep(RUN_BEFORE_KILL_MS);
    child.kill("SIGKILL");
    const [code, signal] = await exited;
    assert.equal(signal, "SIGKILL", `writer ${kill} died on its own (code ${code}): ${stderr}`);
    assert.equal(stderr, "", `writer ${kill} reported: ${stderr}`);

    const parsed = JSON.parse(await readFile(file, "utf8")) as { version: number; cycle: { count: number } };
    assert.equal(parsed.version, 3);
    assert.ok(parsed.cycle.count > lastCount, `kill ${kill}: count ${parsed.cycle.count} did not pass ${lastCount}`);
    lastCount = parsed.cycle.count;
    const { db: reopened, warnings } = await openDb(file, deps);
    // A kill in the middle of an append to lessons-changes.jsonl leaves a torn last line: dropped with a warning, not an error.
    assert.deepEqual(
      warnings.filter((warning) => !/lessons-changes\.jsonl ended in a half-written line/.test(warning)),
      [],
      `kill ${kill}: db.json did not load cleanly`,
    );
    // A kill between lessons.json and db.json must never let a lesson id be handed out twice.
    const highest = Math.max(0, ...reopened.data.learning.lessons.map((lesson) => Number(lesson.id.slice(1))));
    assert.ok(
      reopened.data.learning.nextLessonId > highest,
      `kill ${kill}: nextLessonId ${reopened.data.learning.nextLessonId} ≤ L${highest}`,
    );
    const stray = (await readdir(stateDir)).filter(
      (name) =>
        !["db.json", "lessons.json", "lessons-changes.jsonl", "cycle.json"].includes(name) && !name.endsWith(".tmp"),
    );
    assert.deepEqual(stray, [], `kill ${kill}: unexpected files`);
  }

  const { db } = await openDb(file, deps);
  db.data.cycle.count += 1;
  await writeDb(db);
  const reopened = await openDb(file, deps);
  assert.equal(reopened.db.data.cycle.count, lastCount + 1, "the next write after the crashes still works");
});
