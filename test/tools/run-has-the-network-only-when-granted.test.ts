import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCommandTool } from "../../src/tools/run-command.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

function interfaces(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => /^\s*[^\s|]+:/.test(line))
    .map((line) => line.split(":")[0]?.trim() ?? "")
    .sort();
}

test("a command sees only lo unless sandbox.networkCommands names it; then it sees the host's interfaces", async (t) => {
  const host = interfaces(await readFile("/proc/net/dev", "utf8"));
  if (host.length < 2) {
    t.skip("this host has no interface besides lo, so a shared network looks like none");
    return;
  }
  const workspace = await makeTempDir(t);
  const bin = await makeTempDir(t, "apprentice-bin-");
  await writeFile(path.join(bin, "ifaces"), "#!/bin/sh\ncat /proc/net/dev\n");
  await chmod(path.join(bin, "ifaces"), 0o755);
  const base = { allowCommands: ["ifaces"], commandDirs: [bin] };
  const closed = await runCommandTool.execute({ command: "ifaces", args: [] }, makeToolContext(workspace, base));
  assert.ok(closed.ok, closed.ok ? "" : closed.error);
  assert.deepEqual(interfaces(closed.output), ["lo"]);
  const granted = makeToolContext(workspace, {
    ...base,
    sandbox: { ...DEFAULT_SANDBOX_SETTINGS, networkCommands: ["ifaces"] },
  });
  const open = await runCommandTool.execute({ command: "ifaces", args: [] }, granted);
  assert.ok(open.ok, open.ok ? "" : open.error);
  assert.deepEqual(interfaces(open.output), host);
});
