import { test } from "node:test";
import assert from "node:assert/strict";
import type { LessonDetail } from "../../src/cli/lessons-command.js";
import type { Lesson } from "../../src/learning/types.js";
import { runCli } from "../support/cli-process.js";
import { makeInspectState, runCliJson, snapshotTree } from "./helpers/inspect-fixture.js";

test("lessons list --json gives every lesson, and --status filters them", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const before = await snapshotTree(dir);

  const all = await runCliJson<Lesson[]>(["lessons", "list", "--state", dir, "--json"]);
  assert.deepEqual(
    all.map((lesson) => [lesson.id, lesson.kind, lesson.status, lesson.source]),
    [
      ["L1", "avoid", "provisional", "self"],
      ["L2", "fact", "provisional", "self"],
      ["L3", "fact", "pinned", "operator"],
      ["L4", "fact", "retired", "self"],
    ],
  );
  const pinned = await runCliJson<Lesson[]>(["lessons", "list", "--status", "pinned", "--state", dir, "--json"]);
  assert.deepEqual(
    pinned.map((lesson) => lesson.id),
    ["L3"],
  );

  const text = await runCli(["lessons", "list", "--state", dir]);
  assert.match(text.stdout, /^id +status +kind +source +\+\/- +text/);
  assert.match(text.stdout, /^L3 +pinned +fact +operator +\+0\/-0 +Keep answers short\.$/m);
  assert.deepEqual(await snapshotTree(dir), before, "lessons list reads only");
});

test("lessons show --json gives the lesson with each evidence id's episode from episodes.jsonl", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  const before = await snapshotTree(dir);

  const masked = await runCliJson<LessonDetail>(["lessons", "show", "L1", "--state", dir, "--json"]);
  assert.equal(masked.lesson.id, "L1");
  assert.equal(masked.lesson.mask?.signature, "exit #: no template");
  assert.deepEqual(
    masked.evidence.map((item) => [item.id, item.episode?.tool, item.episode?.ok, item.episode?.error]),
    [
      ["c2s1", "run", false, "exit 3: no template"],
      ["c2s2", "run", false, "exit 3: no template"],
    ],
  );
  const taught = await runCliJson<LessonDetail>(["lessons", "show", "L3", "--state", dir, "--json"]);
  assert.deepEqual(taught.evidence, [{ id: "operator/t1.lesson.md", episode: null }]);

  const text = await runCli(["lessons", "show", "L1", "--state", dir]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^L1: avoid, provisional, self/);
  assert.match(text.stdout, /^ {2}cycle 2, .*: created: /m);
  assert.match(
    text.stdout,
    /^ {2}c2s1: cycle 2 step 1, run \{"command":"make-report","args":\[\]\} — failed: exit 3: no template$/m,
  );
  assert.deepEqual(await snapshotTree(dir), before, "lessons show reads only");
});
