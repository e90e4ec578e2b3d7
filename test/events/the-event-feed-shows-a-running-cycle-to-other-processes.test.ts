// The event feed (state/events.jsonl) carries a cycle's events to `log --follow` and `serve` in other processes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { runStateCycle } from "../../src/daemon/run-state-cycle.js";
import { CycleEvents } from "../../src/events/cycle-events.js";
import { describeEvent } from "../../src/events/describe-event.js";
import {
  briefEvent,
  EVENT_FEED_FILE,
  EVENT_FEED_ROTATE_BYTES,
  readFeed,
  readFeedTail,
  writeEventFeed,
} from "../../src/events/event-feed.js";
import { createMemoryLogger } from "../../src/log.js";
import { makeStateDir } from "../support/state-fixture.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { openTwoGoalState, run } from "../learning-cycle/helpers/two-goal-state.js";

test("a cycle run on a state dir writes its events to the feed, in order, in brief", async (t) => {
  const { dir, state } = await openTwoGoalState(t);
  const brain = new ScriptedBrain([run("make-report"), run("make-backup")]);
  const result = await runStateCycle(state, { brain, logger: createMemoryLogger(), clock: () => new Date() });
  assert.equal(result.status, "ran", JSON.stringify(result));

  const feedFile = path.join(dir, EVENT_FEED_FILE);
  const { lines, next } = await readFeed(feedFile, 0);
  assert.equal(next, (await stat(feedFile)).size, "every line was whole");
  // The goals' pre-checks come before the cycle has its number; then its steps, the checks after each (the loop's and
  // the end's), the two skills it saved, and its record last.
  const types = lines.map((line) => line.type);
  assert.deepEqual(types.slice(types.indexOf("cycle-began")), [
    "cycle-began",
    "model-loaded",
    "step-decided",
    "tool-done",
    "check-done",
    "check-done",
    "step-decided",
    "tool-done",
    "check-done",
    "model-unloaded",
    "check-done",
    "lesson-changed",
    "lesson-changed",
    "cycle-recorded",
  ]);
  assert.deepEqual(
    lines.flatMap((line) => (line.type === "check-done" ? [line.beforeCycle === true] : [])),
    [true, true, false, false, false, false],
    "the two pre-checks say they ran before the cycle; the cycle's own checks do not",
  );
  const done = lines.find((line) => line.type === "tool-done");
  assert.deepEqual(done?.type === "tool-done" ? [done.cycle, done.step, done.tool, done.ok, done.goal] : [], [
    1,
    1,
    "run",
    true,
    "report",
  ]);
  // Outputs stay in the episodes; the feed carries only what a watcher shows.
  assert.doesNotMatch(await readFile(feedFile, "utf8"), /"output"/);
  const recorded = lines.at(-1);
  assert.equal(recorded?.type === "cycle-recorded" ? recorded.status : undefined, "ran");
});

test("readFeed goes on from its offset, skips lines that are no event and a torn last line, and restarts after a rotation", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const file = path.join(dir, EVENT_FEED_FILE);
  const events = new CycleEvents();
  writeEventFeed(events, dir, { logger: createMemoryLogger(), clock: () => new Date("2026-12-07T10:00:00Z") });
  await events.emit({ type: "cycle-began", cycle: 4, startedAt: "2026-12-07T10:00:00.000Z" });
  const first = await readFeed(file, 0);
  assert.deepEqual(
    first.lines.map((line) => line.type),
    ["cycle-began"],
  );

  await appendFile(file, 'not json\n{"type":"tool-done","cycle":"four"}\n');
  await events.emit({ type: "model-loaded", cycle: 4, loadMs: 900 });
  await appendFile(file, '{"type":"model-unl');
  const second = await readFeed(file, first.next);
  assert.deepEqual(
    second.lines.map((line) => line.type),
    ["model-loaded"],
  );
  assert.equal((await readFeed(file, second.next)).lines.length, 0, "the torn line waits until it is whole");

  // A cycle's start rotates a feed past its size: the reader finds the file shorter and starts again from 0.
  await writeFile(file, `${"x".repeat(EVENT_FEED_ROTATE_BYTES + 1)}\n`);
  await events.emit({ type: "cycle-began", cycle: 5, startedAt: "2026-12-07T11:00:00.000Z" });
  assert.ok((await stat(path.join(dir, "events.1.jsonl"))).size > EVENT_FEED_ROTATE_BYTES);
  const rotated = await readFeed(file, second.next);
  assert.deepEqual(
    rotated.lines.map((line) => (line.type === "cycle-began" ? line.cycle : undefined)),
    [5],
  );
  assert.deepEqual(
    (await readFeedTail(file, 30)).map((line) => line.type),
    [],
    "a window that cuts the only line shows none",
  );
});

test("a feed that cannot be written costs the cycle nothing and is logged once", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const logger = createMemoryLogger();
  const events = new CycleEvents();
  // A directory where the feed's file should be: every append fails.
  writeEventFeed(events, path.join(dir, "no-such-dir"), { logger, clock: () => new Date() });
  await events.emit({ type: "model-loaded", cycle: 1, loadMs: 1 });
  await events.emit({ type: "model-unloaded", cycle: 1 });
  const warnings = logger.lines.filter((line) => line.includes("event feed: cannot write"));
  assert.equal(warnings.length, 1, logger.lines.join("\n"));
});

test("world text in an event (a tool's error, a goal's name) is shown on one line with its controls visible", () => {
  const line = describeEvent(
    briefEvent(
      {
        type: "tool-done",
        cycle: 2,
        record: {
          step: 1,
          tool: "run",
          args: {},
          ok: false,
          durationMs: 5,
          goal: "re\u001b[2Jport",
          error: "exit 1\n## Cycle 99 — 10:00 (ran)",
        },
      },
      "2026-12-07T10:00:00.000Z",
    ),
  );
  assert.ok(![...line].some((char) => char.charCodeAt(0) < 0x20), line);
  assert.match(line, /^cycle 2: step 1 run FAILED in 5 ms \(exit 1.*## Cycle 99/);
});
