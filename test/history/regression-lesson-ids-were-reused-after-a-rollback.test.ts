// Regression (found trying rollback as an operator): teach a lesson (L1), roll back to before it, teach again, and the
// new lesson was L1 too, so the history and the journal named two different lessons L1. The ids handed out before a
// rollback are kept in issued-ids.json, outside the history, and the counters never go below them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("a lesson taught after a rollback gets a new id, while db.json is restored byte for byte", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  assert.equal((await runCli(["once", "--state", dir])).code, 0);
  const dbAfter1 = await readFile(path.join(dir, "db.json"), "utf8");
  const first = await runCli(["teach", "--state", dir, "Keep notes short."]);
  assert.match(first.stdout, /Stored as L1\b/);
  assert.equal((await runCli(["rollback", "1", "--state", dir])).code, 0);
  assert.equal(
    await readFile(path.join(dir, "db.json"), "utf8"),
    dbAfter1,
    "the rollback itself restores db.json exactly",
  );
  assert.deepEqual(JSON.parse(await readFile(path.join(dir, "issued-ids.json"), "utf8")), {
    version: 1,
    nextLessonId: 2,
    nextSkillId: 1,
  });

  const second = await runCli(["teach", "--state", dir, "Use plain words."]);
  assert.equal(second.code, 0, second.output);
  assert.match(second.stdout, /Stored as L2\b/, second.stdout);
  const listed = JSON.parse((await runCli(["lessons", "list", "--state", dir, "--json"])).stdout) as Array<{
    id: string;
    text: string;
  }>;
  assert.deepEqual(
    listed.map((lesson) => [lesson.id, lesson.text]),
    [["L2", "Use plain words."]],
  );
});
