// Issue 17, bug 8: a lesson taught while the daemon ran (`apprentice teach` queues it in operator/) kept
// `operator/<file>` as its evidence, a path that no longer existed once the daemon had archived the file to
// `operator/.processed/`. The evidence now names the archived file, and a crash between the db write and the archive
// still teaches the lesson once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { ingestOperatorRequests } from "../../src/cycle/ingest-operator-requests.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { makeInspectState } from "../cli/helpers/inspect-fixture.js";

async function openWithLesson(t: { after: (fn: () => Promise<void>) => void }, file: string, text: string) {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  await writeFile(path.join(dir, "operator", file), `${text}\n`, { mode: 0o600 });
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const ingest = (): Promise<void> =>
    ingestOperatorRequests({ paths: state.paths, db: state.db, logger, clock: () => new Date() });
  const taught = () => state.db.data.learning.lessons.filter((lesson) => lesson.text === text);
  return { dir, ingest, taught };
}

test("a taught lesson's evidence is the file where it ends up, in operator/.processed/", async (t) => {
  const { dir, ingest, taught } = await openWithLesson(t, "t7.lesson.md", "Label every shelf.");
  await ingest();
  const [lesson] = taught();
  assert.equal(taught().length, 1);
  const [evidence = ""] = lesson?.evidence ?? [];
  assert.match(evidence, /^operator\/\.processed\/c\d+-t7\.lesson\.md$/);
  assert.equal(await readFile(path.join(dir, evidence), "utf8"), "Label every shelf.\n", "the evidence is there");
  assert.deepEqual(await readdir(path.join(dir, "operator")), [".processed"]);
});

test("a crash between the db write and the archive teaches the lesson once, its evidence still the archive", async (t) => {
  const { dir, ingest, taught } = await openWithLesson(t, "t2.lesson.md", "Label every drawer.");
  await ingest();
  const evidence = taught()[0]?.evidence[0] ?? "";
  // As the crash leaves it: the lesson stored with its evidence, the file not yet moved.
  await rename(path.join(dir, evidence), path.join(dir, "operator", "t2.lesson.md"));

  await ingest();

  assert.equal(taught().length, 1, "not taught twice");
  assert.deepEqual(taught()[0]?.evidence, [evidence]);
  assert.equal(await readFile(path.join(dir, evidence), "utf8"), "Label every drawer.\n", "archived where it says");
});
