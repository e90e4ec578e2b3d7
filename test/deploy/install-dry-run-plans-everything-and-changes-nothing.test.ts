// install.sh --dry-run into an empty temp root, as an unprivileged user: it lists the user, program, command, unit, state and cache dirs and enable it would make, changes nothing, and plans the same twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { linesStartingWith, makeTargetRoot, REPO, runInstall, snapshotTree } from "./helpers/deploy-fixture.js";

test("a dry run into an empty root plans user, program, command, unit, state dir, init, cache dir and enable, touches nothing, and plans the same twice", async (t) => {
  const root = await makeTargetRoot(t);
  const first = await runInstall(["--dry-run", "--root", root], { unprivileged: true });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const src = REPO.replace(/\/$/, "");
  assert.deepEqual(linesStartingWith(first.stdout, "would "), [
    "would create user apprentice (system user, no login shell, home /var/lib/apprentice)",
    `would install program ${root}/opt/apprentice from ${src} (npm pack, npm ci --omit=dev)`,
    `would write command ${root}/usr/local/bin/apprentice (runs /opt/apprentice/bin/apprentice.js)`,
    `would write ${root}/etc/systemd/system/apprentice.service`,
    `would create state dir ${root}/var/lib/apprentice (owner apprentice, mode 0750)`,
    `would initialize ${root}/var/lib/apprentice with apprentice init as apprentice (adds only missing template files)`,
    `would create cache dir ${root}/var/cache/apprentice (owner apprentice, mode 0750)`,
    `would enable apprentice.service (systemctl --root=${root} enable: starts at boot)`,
  ]);
  assert.match(first.stdout, /^ok: node v\d+\.\d+\.\d+ at /m);
  // The sandbox of the agent's commands: looked for in the root, never installed into another root.
  assert.match(first.stdout, /^(ok: bubblewrap is installed in |note: no bubblewrap in )/m);
  assert.match(first.stdout, /^dry run: 8 change\(s\) planned, nothing was changed$/m);
  assert.deepEqual(linesStartingWith(first.stdout, "+ "), [], "nothing was done");
  assert.deepEqual(await snapshotTree(root), [], "the root is still empty");

  const second = await runInstall(["--dry-run", "--root", root], { unprivileged: true });
  assert.equal(second.code, 0);
  assert.equal(second.stdout, first.stdout, "the same plan both times");
});

test("install.sh refuses bad usage with exit 2, and a real run without root with exit 1 before changing anything", async (t) => {
  const root = await makeTargetRoot(t);
  for (const args of [["--purge"], ["--uninstall", "--now"], ["--now", "--root", root], ["--frobnicate"], ["--root"], ["--root", `${root}/missing`]]) {
    const result = await runInstall(args, { unprivileged: true });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /^install\.sh: /m, args.join(" "));
    assert.equal(result.stdout, "", args.join(" "));
  }
  const help = await runInstall(["--help"], { unprivileged: true });
  assert.equal(help.code, 0);
  for (const option of ["--uninstall", "--purge", "--dry-run", "--root DIR", "--now"]) assert.ok(help.stdout.includes(option), option);

  // Not root here: as nobody when the tests run as root, else as whoever runs them.
  const unprivileged = await runInstall(["--root", root], { unprivileged: true });
  assert.equal(unprivileged.code, 1, unprivileged.stderr);
  assert.match(unprivileged.stderr, /run it as root .*--dry-run/);
  assert.deepEqual(await snapshotTree(root), []);
});
