// Issue 17, bug 8: `history show --help` listed history's own -n and --json under "Global Options", although they do
// not apply to `show`; `rollback --help` left out files a rollback restores. The show help lists only the program's
// options as global, and the rollback help names every file history keeps, from the same list the rollback uses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TRACKED_DIRS, TRACKED_FILES } from "../../src/history/state-history.js";
import { runCli } from "../support/cli-process.js";

test("history show --help lists only the program's options as global", async () => {
  const { code, stdout } = await runCli(["history", "show", "--help"]);
  assert.equal(code, 0, stdout);
  const [own = "", global = ""] = stdout.split(/^Global Options:$/m);
  assert.match(own, /^\s+--json\s/m, "show's own --json is listed as its option");
  assert.match(global, /--state <dir>/);
  assert.match(global, /--model <path>/);
  assert.doesNotMatch(global, /-n <count>/, global);
  assert.doesNotMatch(global, /--json/, global);
});

test("rollback --help names every file a rollback restores", async () => {
  const { code, stdout } = await runCli(["rollback", "--help"]);
  assert.equal(code, 0, stdout);
  const text = stdout.replace(/\s+/g, " ");
  for (const file of [...TRACKED_FILES, ...TRACKED_DIRS.map((dir) => `${dir}/*.md`)])
    assert.ok(text.includes(file), `${file} is named in: ${text}`);
});
