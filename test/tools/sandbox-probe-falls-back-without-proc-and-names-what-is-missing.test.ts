import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { describeSandboxStatus, probeSandbox } from "../../src/tools/sandbox-probe.js";
import { makeTempDir } from "./tool-context.js";

/** A stand-in bwrap: `body` runs first, then the real bwrap with the same arguments and descriptors. */
async function fakeBwrap(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\nexec /usr/bin/bwrap "$@"\n`);
  await chmod(file, 0o755);
  return file;
}

test("the real bwrap here builds the sandbox with a /proc of its own", async () => {
  const status = await probeSandbox();
  assert.ok(status.available, describeSandboxStatus(status));
  assert.match(status.version, /^\d+\.\d+/);
  assert.equal(status.proc, true);
  assert.equal(status.disableUserns, true);
  assert.equal(
    describeSandboxStatus(status),
    `bwrap ${status.version}, user+pid+net namespaces, /proc inside: yes, nested user namespaces: no`,
  );
});

test("where mounting /proc is refused (systemd's ProtectKernelTunables), the probe falls back to a sandbox without it", async (t) => {
  const dir = await makeTempDir(t, "apprentice-fake-bwrap-");
  const bwrap = await fakeBwrap(
    dir,
    "bwrap-no-proc",
    `for arg in "$@"; do if [ "$arg" = --proc ]; then echo "bwrap: Can't mount proc on /newroot/proc: Operation not permitted" >&2; exit 1; fi; done`,
  );
  const status = await probeSandbox(bwrap);
  assert.ok(status.available, describeSandboxStatus(status));
  assert.equal(status.proc, false);
  assert.equal(status.disableUserns, true);
  assert.match(describeSandboxStatus(status), /\/proc inside: no, nested user namespaces: no$/);
});

test("where /proc/sys is read-only too (ProtectKernelTunables), the probe also goes without --disable-userns", async (t) => {
  const dir = await makeTempDir(t, "apprentice-fake-bwrap-");
  const bwrap = await fakeBwrap(
    dir,
    "bwrap-tunables",
    [
      'for arg in "$@"; do',
      '  if [ "$arg" = --proc ]; then echo "bwrap: Can\'t mount proc on /newroot/proc: Operation not permitted" >&2; exit 1; fi',
      '  if [ "$arg" = --disable-userns ]; then echo "bwrap: cannot open /proc/sys/user/max_user_namespaces: Read-only file system" >&2; exit 1; fi',
      "done",
    ].join("\n"),
  );
  const status = await probeSandbox(bwrap);
  assert.ok(status.available, describeSandboxStatus(status));
  assert.deepEqual([status.proc, status.disableUserns], [false, false]);
  assert.match(describeSandboxStatus(status), /\/proc inside: no, nested user namespaces: yes$/);
});

test("a bwrap that cannot build any sandbox is unavailable, with bwrap's own words as the reason", async (t) => {
  const dir = await makeTempDir(t, "apprentice-fake-bwrap-");
  const bwrap = await fakeBwrap(
    dir,
    "bwrap-no-userns",
    `[ "$1" = --version ] || { echo "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2; exit 1; }`,
  );
  const status = await probeSandbox(bwrap);
  assert.equal(status.available, false);
  assert.match(
    describeSandboxStatus(status),
    /^no sandbox: .*cannot build a sandbox here: .*No permissions to creating new namespace/,
  );
});

test("a missing bwrap is unavailable and the reason names the path", async (t) => {
  const dir = await makeTempDir(t, "apprentice-fake-bwrap-");
  const status = await probeSandbox(path.join(dir, "bwrap"));
  assert.equal(status.available, false);
  assert.match(describeSandboxStatus(status), new RegExp(`^no sandbox: ${path.join(dir, "bwrap")}: ENOENT`));
});

test("the probe runs once per bwrap path and process: the second answer is the cached first", async () => {
  const first = probeSandbox();
  assert.equal(probeSandbox(), first);
  await first;
});
