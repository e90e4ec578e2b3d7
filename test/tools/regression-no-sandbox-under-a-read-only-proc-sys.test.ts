import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findProgram } from "../../src/tools/run-command.js";
import { makeTempDir } from "./tool-context.js";

const DIST_SRC = fileURLToPath(new URL("../../src/", import.meta.url));

// Bug (found while building the sandbox): under systemd's ProtectKernelTunables /proc/sys is read-only, and
// `--disable-userns` writes /proc/sys/user/max_user_namespaces, so bwrap failed every time and the probe found no
// sandbox at all, though one without that option (and without /proc) works. Reproduced as the unit would: a mount
// namespace with /proc/sys bound read-only over itself.
test("under a read-only /proc/sys the probe falls back to a sandbox without /proc and without --disable-userns, and checks run in it", async (t) => {
  if (process.getuid?.() !== 0 || !(await findProgram("unshare")).ok) {
    t.skip("needs root and unshare(1) to make a mount namespace");
    return;
  }
  const dir = await makeTempDir(t);
  const child = path.join(dir, "probe-child.mjs");
  await writeFile(
    child,
    [
      `const { probeSandbox } = await import(${JSON.stringify(path.join(DIST_SRC, "tools", "sandbox-probe.js"))});`,
      `const { runCheck } = await import(${JSON.stringify(path.join(DIST_SRC, "cycle", "run-check.js"))});`,
      "const status = await probeSandbox();",
      `const check = await runCheck("echo inside > made.txt && cat made.txt", { cwd: ${JSON.stringify(dir)}, timeoutMs: 5000, maxOutputBytes: 1024, sandbox: { mode: "bwrap", networkCommands: [], networkChecks: false } });`,
      "console.log(JSON.stringify({ status, check }));",
    ].join("\n"),
  );
  const script = `mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(child)}`;
  const run = spawnSync("unshare", ["-m", "sh", "-c", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  const { status, check } = JSON.parse(run.stdout) as {
    status: { available: boolean; proc?: boolean; disableUserns?: boolean };
    check: { passed: boolean; output: string };
  };
  assert.deepEqual(status.available ? [status.proc, status.disableUserns] : status, [false, false]);
  assert.deepEqual([check.passed, check.output], [true, "inside"]);
});
