import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { applyLessonOp, parseLessonOp } from "../../src/learning/operator-ops.js";
import { createMemoryLogger } from "../../src/log.js";
import { readInbox } from "../../src/memory/inbox.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { buildInspectDb, makeInspectState, timeOf } from "./helpers/inspect-fixture.js";
import { readDbData } from "../../src/memory/db.js";

test("a cycle applies queued .lesson-op.json files before the gate, archives them, and reports the invalid ones in the journal", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  // No goal is due and no message waits: the requests alone must not need the model.
  await writeFile(path.join(dir, "goals.yaml"), "version: 1\ngoals: []\n");
  const inbox = path.join(dir, "inbox");
  await writeFile(path.join(inbox, "a.lesson-op.json"), '{"op":"pin","id":"L2"}\n');
  await writeFile(path.join(inbox, "b.lesson-op.json"), '{"version":1,"op":"retire","id":"L1"}\n');
  await writeFile(path.join(inbox, "c.lesson-op.json"), '{"op":"forget","id":"L4"}\n');
  await writeFile(path.join(inbox, "d.lesson-op.json"), "pin L2 please\n");
  await writeFile(path.join(inbox, "e.lesson-op.json"), '{"op":"pin","id":"L99"}\n');
  await writeFile(path.join(inbox, "f.lesson-op.json"), '{"op":"promote","id":"L2"}\n');
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

  assert.deepEqual(await readdir(inbox), [".processed"], "every request is taken out of the inbox, valid or not");
  assert.deepEqual((await readdir(path.join(inbox, ".processed"))).sort(), ["a", "b", "c", "d", "e", "f"].map((name) => `c3-${name}.lesson-op.json`));
  const [day] = await readdir(path.join(dir, "journal"));
  const journal = await readFile(path.join(dir, "journal", day ?? ""), "utf8");
  assert.match(journal, /## Operator lessons — \d\d:\d\d\n\n- L2 pinned: pinned by the operator \(was provisional\) \(inbox\/a\.lesson-op\.json\)/);
  assert.match(journal, /- L1 retired: retired by the operator \(inbox\/b\.lesson-op\.json\)/);
  assert.match(journal, /- L4 forgotten: .*\(inbox\/c\.lesson-op\.json\)/);
  assert.match(journal, /- lesson change not applied: not valid JSON \(.*\) \(inbox\/d\.lesson-op\.json\)/);
  assert.match(journal, /- pin L99 not applied: there is no lesson L99 \(inbox\/e\.lesson-op\.json\)/);
  assert.match(journal, /- lesson change not applied: op: .* \(inbox\/f\.lesson-op\.json\)/);
  assert.ok(logger.lines.some((line) => line.startsWith("warn inbox/e.lesson-op.json")), logger.lines.join("\n"));
});

test("the inbox message reader never takes a .lesson-op.json file for a message", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  await writeFile(path.join(dir, "inbox", "x.lesson-op.json"), '{"op":"pin","id":"L2"}\n');
  await writeFile(path.join(dir, "inbox", "note.md"), "hello\n");

  const { messages } = await readInbox(path.join(dir, "inbox"));

  assert.deepEqual(messages.map((message) => message.file), ["note.md"]);
});

test("applyLessonOp: pin and retire record a change with a reason; a no-op or an unknown id changes nothing", () => {
  const data = buildInspectDb().learning;
  const ctx = { cycle: 7, now: timeOf(7) };
  const snapshot = JSON.stringify(data);
  assert.deepEqual(applyLessonOp(data, { op: "pin", id: "L3" }, ctx), { status: "unchanged", reason: "L3 is already pinned" });
  assert.deepEqual(applyLessonOp(data, { op: "retire", id: "L4" }, ctx), { status: "unchanged", reason: "L4 is already retired" });
  assert.deepEqual(applyLessonOp(data, { op: "forget", id: "L9" }, ctx), { status: "unknown-id", reason: "there is no lesson L9" });
  assert.equal(JSON.stringify(data), snapshot);

  const pinned = applyLessonOp(data, { op: "pin", id: "L4" }, ctx);
  assert.deepEqual(pinned, { status: "applied", delta: { id: "L4", change: "pinned", reason: "pinned by the operator (was retired)" } });
  assert.deepEqual(data.lessons.find((lesson) => lesson.id === "L4")?.history.at(-1), {
    cycle: 7, at: timeOf(7).toISOString(), change: "pinned", reason: "pinned by the operator (was retired)",
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
