import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, realpath, writeFile } from "node:fs/promises";
import path from "node:path";
import { runCheck } from "../../src/cycle/run-check.js";
import { probeSandbox } from "../../src/tools/sandbox-probe.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { makeTempDir } from "../tools/tool-context.js";

/** A state dir's shape around a workspace: goals.yaml, inbox/ and a canary beside it. */
async function makeStateLike(root: string): Promise<{ workspace: string; canary: string }> {
  const workspace = path.join(root, "workspace");
  await Promise.all([mkdir(workspace), mkdir(path.join(root, "inbox"))]);
  await writeFile(path.join(root, "goals.yaml"), "version: 1\ngoals: []\n");
  const canary = path.join(root, "secret.txt");
  await writeFile(canary, "CANARY-check-secret\n");
  return { workspace: await realpath(workspace), canary };
}

// The attack of issue 14: a goal check is operator text run by /bin/sh every cycle; appended to goals.yaml by a
// command, it wrote an operator lesson into inbox/ and read any file the daemon could.
test("a sandboxed check cannot write beside the workspace, read the state dir's files or /etc/shadow", async (t) => {
  const root = await makeTempDir(t);
  const { workspace, canary } = await makeStateLike(root);
  const check = [
    `echo pwned > ${root}/inbox/x.lesson.md`,
    `echo '  - id: evil' >> ${root}/goals.yaml`,
    "echo pwned > ../inbox/y.lesson.md",
    `cat ${canary}`,
    "cat /etc/shadow",
    "cat /root/.bashrc",
    "ls /home",
    "echo inside > made-inside.txt",
    "true",
  ].join("; ");
  const result = await runCheck(check, {
    cwd: workspace,
    timeoutMs: 5000,
    maxOutputBytes: 8192,
    sandbox: DEFAULT_SANDBOX_SETTINGS,
  });
  assert.equal(result.exitDescription, "exit 0", result.output);
  assert.deepEqual((await readdir(path.join(root, "inbox"))).sort(), []);
  assert.equal(await readFile(path.join(root, "goals.yaml"), "utf8"), "version: 1\ngoals: []\n");
  assert.ok(!result.output.includes("CANARY-check-secret"), result.output);
  assert.ok(!/^root:/m.test(result.output), "shadow's root entry shown");
  assert.match(result.output, /\/etc\/shadow: No such file or directory/);
  // The workspace itself is writable.
  assert.equal(await readFile(path.join(workspace, "made-inside.txt"), "utf8"), "inside\n");
});

test("a check without networkChecks sees only a loopback interface; with it, the host's interfaces", async (t) => {
  const root = await makeTempDir(t);
  const { workspace } = await makeStateLike(root);
  const interfaces = (text: string): string[] =>
    text
      .split("\n")
      .slice(2)
      .map((line) => line.split(":")[0]?.trim() ?? "")
      .filter((name) => name.length > 0)
      .sort();
  const host = interfaces(await readFile("/proc/net/dev", "utf8"));
  if (host.length < 2) {
    t.skip("this host has no interface besides lo, so a shared network looks like none");
    return;
  }
  const options = { cwd: workspace, timeoutMs: 5000, maxOutputBytes: 8192 };
  const closed = await runCheck("cat /proc/net/dev", { ...options, sandbox: DEFAULT_SANDBOX_SETTINGS });
  assert.equal(closed.passed, true, closed.output);
  assert.deepEqual(interfaces(closed.output), ["lo"]);
  const open = await runCheck("cat /proc/net/dev", {
    ...options,
    sandbox: { ...DEFAULT_SANDBOX_SETTINGS, networkChecks: true },
  });
  assert.deepEqual(interfaces(open.output), host);
});

test("a sandboxed check can make no user namespace of its own (nested namespaces are forbidden where the host allows it)", async (t) => {
  const root = await makeTempDir(t);
  const { workspace } = await makeStateLike(root);
  const status = await probeSandbox();
  if (!status.available || !status.disableUserns) {
    t.skip("this host's sandbox cannot forbid nested user namespaces");
    return;
  }
  const result = await runCheck("unshare -U true", {
    cwd: workspace,
    timeoutMs: 5000,
    maxOutputBytes: 1024,
    sandbox: DEFAULT_SANDBOX_SETTINGS,
  });
  assert.equal(result.passed, false, result.output);
  const bare = await runCheck("unshare -U true", {
    cwd: workspace,
    timeoutMs: 5000,
    maxOutputBytes: 1024,
    sandbox: { ...DEFAULT_SANDBOX_SETTINGS, mode: "none" },
  });
  assert.equal(bare.passed, true, `bare, the same check makes one: ${bare.output}`);
});
