// The daemon's side of the operator channel: requests queued in operator/ are applied at the next wake without the
// model, archived to operator/.processed/, and never applied twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ingestOperatorRequests } from "../../src/cycle/ingest-operator-requests.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { applyLessonOp, parseLessonOp } from "../../src/learning/operator-ops.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { buildInspectDb, makeInspectState, timeOf } from "./helpers/inspect-fixture.js";

test("a cycle applies queued operator/*.lesson-op.json files before the gate, archives them, and reports the invalid ones in the journal", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  // No goal is due and no message waits: the requests alone must not need the model.
  await writeFile(path.join(dir, "goals.yaml"), "version: 1\ngoals: []\n");
  const operator = path.join(dir, "operator");
  const request = (name: string, text: string): Promise<void> =>
    writeFile(path.join(operator, name), text, { mode: 0o600 });
  await request("a.lesson-op.json", '{"op":"pin","id":"L2"}\n');
  await request("b.lesson-op.json", '{"version":1,"op":"retire","id":"L1"}\n');
  await request("c.lesson-op.json", '{"op":"forget","id":"L4"}\n');
  await request("d.lesson-op.json", "pin L2 please\n");
  await request("e.lesson-op.json", '{"op":"pin","id":"L99"}\n');
  await request("f.lesson-op.json", '{"op":"promote","id":"L2"}\n');
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const brain = new ScriptedBrain([]);

  const result = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));

  assert.equal(result.status, "skipped");
  assert.equal(brain.opened, 0);
  const byId = new Map(state.db.data.learning.lessons.map((lesson) => [lesson.id, lesson]));
  assert.equal(byId.get("L2")?.status, "pinned");
  assert.equal(byId.get("L1")?.status, "retired");
  assert.equal(byId.get("L1")?.history.at(-1)?.reason, "retired by the operator");
  assert.equal(byId.has("L4"), false);
  const onDisk = await readDbData(path.join(dir, "db.json"));
  assert.equal(onDisk.learning.lessons.find((lesson) => lesson.id === "L2")?.status, "pinned", "db.json was written");
  assert.match(await readFile(path.join(dir, "lessons.md"), "utf8"), /### L2 · fact · pinned/);

  assert.deepEqual(await readdir(operator), [".processed"], "every request is taken out of operator/, valid or not");
  assert.deepEqual(
    (await readdir(path.join(operator, ".processed"))).sort(),
    ["a", "b", "c", "d", "e", "f"].map((name) => `c3-${name}.lesson-op.json`),
  );
  const [day] = await readdir(path.join(dir, "journal"));
  const journal = await readFile(path.join(dir, "journal", day ?? ""), "utf8");
  assert.match(
    journal,
    /## Operator lessons — \d\d:\d\d\n\n- L2 pinned: pinned by the operator \(was provisional\) \(operator\/a\.lesson-op\.json\)/,
  );
  assert.match(journal, /- L1 retired: retired by the operator \(operator\/b\.lesson-op\.json\)/);
  assert.match(journal, /- L4 forgotten: .*\(operator\/c\.lesson-op\.json\)/);
  assert.match(journal, /- lesson change not applied: not valid JSON \(.*\) \(operator\/d\.lesson-op\.json\)/);
  assert.match(journal, /- pin L99 not applied: there is no lesson L99 \(operator\/e\.lesson-op\.json\)/);
  assert.match(journal, /- lesson change not applied: op: .* \(operator\/f\.lesson-op\.json\)/);
  assert.ok(
    logger.lines.some((line) => line.startsWith("warn operator/e.lesson-op.json")),
    logger.lines.join("\n"),
  );
});

test("a lesson taught before a crash cut off its archiving is not taught twice", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  await writeFile(path.join(dir, "goals.yaml"), "version: 1\ngoals: []\n");
  await writeFile(path.join(dir, "operator", "t9.lesson.md"), "Label every box.\n", { mode: 0o600 });
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const ingest = (): Promise<void> =>
    ingestOperatorRequests({ paths: state.paths, db: state.db, logger, clock: () => new Date() });
  await ingest();
  const taught = state.db.data.learning.lessons.filter((lesson) => lesson.text === "Label every box.");
  assert.equal(taught.length, 1);
  assert.deepEqual(taught[0]?.evidence, ["operator/.processed/c3-t9.lesson.md"], "where the file ends up");
  // As a crash between the db write and the archive leaves it: the lesson stored, the file still waiting.
  await copyFile(
    path.join(dir, "operator", ".processed", "c3-t9.lesson.md"),
    path.join(dir, "operator", "t9.lesson.md"),
  );

  await ingest();

  assert.equal(state.db.data.learning.lessons.filter((lesson) => lesson.text === "Label every box.").length, 1);
  assert.deepEqual(
    (await readdir(path.join(dir, "operator", ".processed"))).sort(),
    ["c3-2-t9.lesson.md", "c3-t9.lesson.md"],
    "archived again, nothing overwritten",
  );
});

test("applyLessonOp: pin and retire record a change with a reason; a no-op or an unknown id changes nothing", () => {
  const data = buildInspectDb().learning;
  const ctx = { cycle: 7, now: timeOf(7) };
  const snapshot = JSON.stringify(data);
  assert.deepEqual(applyLessonOp(data, { op: "pin", id: "L3" }, ctx), {
    status: "unchanged",
    reason: "L3 is already pinned",
  });
  assert.deepEqual(applyLessonOp(data, { op: "retire", id: "L4" }, ctx), {
    status: "unchanged",
    reason: "L4 is already retired",
  });
  assert.deepEqual(applyLessonOp(data, { op: "forget", id: "L9" }, ctx), {
    status: "unknown-id",
    reason: "there is no lesson L9",
  });
  assert.equal(JSON.stringify(data), snapshot);

  const pinned = applyLessonOp(data, { op: "pin", id: "L4" }, ctx);
  assert.deepEqual(pinned, {
    status: "applied",
    delta: { id: "L4", change: "pinned", reason: "pinned by the operator (was retired)" },
  });
  assert.deepEqual(data.lessons.find((lesson) => lesson.id === "L4")?.history.at(-1), {
    cycle: 7,
    at: timeOf(7).toISOString(),
    change: "pinned",
    reason: "pinned by the operator (was retired)",
  });
});

test("parseLessonOp names the field that is wrong", () => {
  assert.deepEqual(parseLessonOp('{"op":"pin","id":"L3"}'), { ok: true, request: { op: "pin", id: "L3" } });
  const badId = parseLessonOp('{"op":"pin","id":"3"}');
  assert.ok(!badId.ok);
  assert.match(badId.reason, /^id: /);
  const extra = parseLessonOp('{"op":"pin","id":"L3","force":true}');
  assert.ok(!extra.ok);
  assert.match(extra.reason, /force/);
});
