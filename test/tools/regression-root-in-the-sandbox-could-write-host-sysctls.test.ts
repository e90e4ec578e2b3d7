import { test } from "node:test";
import assert from "node:assert/strict";
import { runCheck } from "../../src/cycle/run-check.js";
import { probeSandbox } from "../../src/tools/sandbox-probe.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { makeTempDir } from "./tool-context.js";

// Bug (found while attacking the sandbox): a sandbox started by root keeps euid 0, and sysctls are writable by euid 0
// on mode bits alone, capabilities or not; bwrap leaves /proc/sys uncovered (its directory is never writable, which
// bwrap takes for read-only), so `echo '|/tmp/x' > /proc/sys/kernel/core_pattern` from a goal check rewrote the
// host's core pattern: a root program at the next crash. This test only asks for write access and writes nothing.
test("no sysctl is writable or even visible inside the sandbox, for root too", async (t) => {
  const status = await probeSandbox();
  if (!status.available || !status.proc) {
    t.skip("this host's sandbox has no /proc, so nothing of /proc/sys is inside");
    return;
  }
  const workspace = await makeTempDir(t);
  const script = [
    "for f in /proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe /proc/sys/vm/drop_caches; do test -w $f && echo writable: $f; done",
    "ls -A /proc/sys | wc -l",
    "true",
  ].join("; ");
  const result = await runCheck(script, {
    cwd: workspace,
    timeoutMs: 5000,
    maxOutputBytes: 4096,
    sandbox: DEFAULT_SANDBOX_SETTINGS,
  });
  assert.equal(result.passed, true, result.output);
  assert.equal(result.output, "0", "no sysctl is writable, and /proc/sys is empty");
});
