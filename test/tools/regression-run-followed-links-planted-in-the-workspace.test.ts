import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { link, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import { scanWorkspaceLinks } from "../../src/tools/workspace-links.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

/** A workspace beside an outside dir holding secret.txt and victim.txt. */
async function makeWorld(t: TestContext): Promise<{ workspace: string; outside: string }> {
  const parent = await makeTempDir(t);
  const workspace = path.join(parent, "ws");
  const outside = path.join(parent, "outside");
  await mkdir(workspace);
  await mkdir(outside);
  await writeFile(path.join(outside, "secret.txt"), "top secret\n");
  await writeFile(path.join(outside, "victim.txt"), "original\n");
  await writeFile(path.join(workspace, "in.txt"), "b\na\n");
  return { workspace, outside };
}

// Bug: run checked only how arguments were spelled, so `cat link.txt`, `grep -R`, `find -L . -delete` and `sort -o dangling`
// read, deleted or wrote outside files through symlinks and hard links planted in the workspace.
test("run refuses to start while a symlink or hard link in the workspace leads outside", async (t) => {
  const planted: [string, (workspace: string, outside: string) => Promise<void>, string, string[]][] = [
    ["symlink to a file", (w, o) => symlink(path.join(o, "secret.txt"), path.join(w, "link.txt")), "cat", ["link.txt"]],
    ["symlinked folder", (w, o) => symlink(o, path.join(w, "out")), "grep", ["-R", "secret", "."]],
    [
      "symlinked folder, deep",
      (w, o) =>
        mkdir(path.join(w, "a", "b"), { recursive: true }).then(() => symlink(o, path.join(w, "a", "b", "out"))),
      "find",
      ["-L", ".", "-delete"],
    ],
    [
      "dangling symlink",
      (w, o) => symlink(path.join(o, "new.txt"), path.join(w, "dang")),
      "sort",
      ["-o", "dang", "in.txt"],
    ],
    [
      "dangling symlink spelled with ..",
      (w) => symlink("../outside/new.txt", path.join(w, "dang")),
      "sort",
      ["-o", "dang", "in.txt"],
    ],
    ["hidden symlink", (w, o) => symlink(o, path.join(w, ".out")), "ls", ["-R"]],
    [
      "hard link",
      (w, o) => link(path.join(o, "victim.txt"), path.join(w, "hard.txt")),
      "sort",
      ["-o", "hard.txt", "in.txt"],
    ],
  ];
  for (const [what, plant, command, args] of planted) {
    const { workspace, outside } = await makeWorld(t);
    await plant(workspace, outside);
    const context = makeToolContext(workspace, { allowCommands: ["cat", "grep", "find", "sort", "ls"] });
    const outcome = await runCommandTool.execute({ command, args }, context);
    assert.equal(outcome.ok, false, what);
    assert.match(outcome.ok ? "" : outcome.error, /not started, the workspace has a way out/, what);
    assert.equal("output" in outcome, false, `${what}: nothing ran`);
    assert.equal(await readFile(path.join(outside, "victim.txt"), "utf8"), "original\n", what);
    assert.equal(await readFile(path.join(outside, "secret.txt"), "utf8"), "top secret\n", what);
    await assert.rejects(stat(path.join(outside, "new.txt")), { code: "ENOENT" });
  }
});

test("links that stay inside the workspace do not stop run", async (t) => {
  const { workspace } = await makeWorld(t);
  await mkdir(path.join(workspace, "real"));
  await writeFile(path.join(workspace, "real", "data.txt"), "inside\n");
  await symlink("real/data.txt", path.join(workspace, "alias.txt"));
  await symlink(path.join(workspace, "real"), path.join(workspace, "dir-alias"));
  await symlink("real/not-yet.txt", path.join(workspace, "pending"));
  const context = makeToolContext(workspace, { allowCommands: ["cat"] });
  const outcome = await runCommandTool.execute({ command: "cat", args: ["alias.txt", "dir-alias/data.txt"] }, context);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
  assert.equal(outcome.output, "exit code: 0\ninside\ninside");
});

test("a workspace past the scan cap is reported incomplete, so run refuses rather than guess", async (t) => {
  const { workspace } = await makeWorld(t);
  for (let index = 0; index < 5; index++) await writeFile(path.join(workspace, `f${index}.txt`), "x");
  const scan = await scanWorkspaceLinks(workspace, { maxEntries: 3 });
  assert.deepEqual(
    { escapes: scan.escapes, complete: scan.complete, scannedEntries: scan.scannedEntries },
    { escapes: [], complete: false, scannedEntries: 3 },
  );
  const full = await scanWorkspaceLinks(workspace);
  assert.deepEqual(full, { escapes: [], scannedEntries: 6, complete: true });
});
