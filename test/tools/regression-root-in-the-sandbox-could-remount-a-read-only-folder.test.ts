import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

// Bug (found while building the sandbox): bwrap started by root keeps every capability inside its user namespace,
// enough to remount a read-only bind (an operator's command folder, /usr) read-write and write the host's files.
test("a program run by root in the sandbox cannot remount its read-only command folder writable", async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip("only root's sandbox starts with capabilities to drop");
    return;
  }
  const workspace = await makeTempDir(t);
  const bin = await makeTempDir(t, "apprentice-bin-");
  await writeFile(path.join(bin, "victim.txt"), "original\n");
  await writeFile(
    path.join(bin, "remount"),
    '#!/bin/sh\nhere=$(dirname "$0")\nmount -o remount,bind,rw "$here" 2>&1\nmount -o remount,bind,rw /usr 2>&1\necho pwned > "$here/victim.txt"\ngrep CapEff /proc/self/status\n',
  );
  await chmod(path.join(bin, "remount"), 0o755);
  const context = makeToolContext(workspace, { allowCommands: ["remount"], commandDirs: [bin] });
  const outcome = await runCommandTool.execute({ command: "remount", args: [] }, context);
  assert.equal(
    await readFile(path.join(bin, "victim.txt"), "utf8"),
    "original\n",
    outcome.ok ? outcome.output : outcome.error,
  );
  assert.match(outcome.ok ? outcome.output : (outcome.output ?? ""), /CapEff:\s+0+$/m);
});
