// statePaths resolves every state-dir entry to an absolute path under the state dir, with the documented names.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { statePaths } from "../../src/memory/state-paths.js";

test("a relative state dir gives absolute paths with the documented file names", () => {
  const paths = statePaths("some/state");
  const root = path.resolve("some/state");
  assert.equal(paths.root, root);
  for (const [key, value] of Object.entries(paths)) {
    assert.ok(path.isAbsolute(value), `${key} is not absolute`);
    assert.ok(value === root || value.startsWith(root + path.sep), `${key} escapes the state dir`);
  }
  assert.equal(paths.db, path.join(root, "db.json"));
  assert.equal(paths.episodes, path.join(root, "episodes.jsonl"));
  assert.equal(paths.inboxProcessed, path.join(root, "inbox", ".processed"));
  assert.equal(paths.lock, path.join(root, "daemon.lock"));
  assert.equal(paths.cache, path.join(root, ".cache"));
  assert.equal(paths.charter, path.join(root, "charter.md"));
  assert.equal(paths.goals, path.join(root, "goals.yaml"));
  assert.equal(paths.journal, path.join(root, "journal"));
});
