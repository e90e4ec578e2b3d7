// install.sh --uninstall --dry-run on a root laid out as an install leaves: it would remove unit, command, program and cache but keep the state dir and user; with --purge it would delete those too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { linesStartingWith, makeTargetRoot, REPO, runInstall, snapshotTree, UNIT_FILE } from "./helpers/deploy-fixture.js";

/** What an install leaves, by hand (a real install needs root; see install-twice-changes-nothing-the-second-time). */
async function layOutInstall(root: string): Promise<void> {
  const at = (p: string): string => path.join(root, p);
  await mkdir(at("etc/systemd/system/multi-user.target.wants"), { recursive: true });
  await mkdir(at("etc/systemd/system/apprentice.service.d"), { recursive: true });
  await copyFile(UNIT_FILE, at("etc/systemd/system/apprentice.service"));
  await symlink("/etc/systemd/system/apprentice.service", at("etc/systemd/system/multi-user.target.wants/apprentice.service"));
  await writeFile(at("etc/systemd/system/apprentice.service.d/threads.conf"), "[Service]\nEnvironment=APPRENTICE_LOG=debug\n");
  await writeFile(at("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\napprentice:x:999:999:Apprentice daemon:/var/lib/apprentice:/usr/sbin/nologin\n");
  await writeFile(at("etc/group"), "root:x:0:\napprentice:x:999:\n");
  await mkdir(at("opt/apprentice/bin"), { recursive: true });
  await writeFile(at("opt/apprentice/bin/apprentice.js"), "// the program\n");
  await mkdir(at("usr/local/bin"), { recursive: true });
  await copyFile(path.join(REPO, "deploy/apprentice-command.sh"), at("usr/local/bin/apprentice"));
  await mkdir(at("var/cache/apprentice"), { recursive: true });
  await mkdir(at("var/lib/apprentice/journal"), { recursive: true });
  await writeFile(at("var/lib/apprentice/config.json"), "{}\n");
  await writeFile(at("var/lib/apprentice/journal/2026-01-05.md"), "# what was learned\n");
}

test("--uninstall would remove unit, command and program but keep state, drop-ins and user; --purge would delete those too; neither touches anything", async (t) => {
  const root = await makeTargetRoot(t);
  await layOutInstall(root);
  const before = await snapshotTree(root);

  const keep = await runInstall(["--uninstall", "--dry-run", "--root", root], { unprivileged: true });
  assert.equal(keep.code, 0, keep.stdout + keep.stderr);
  assert.deepEqual(linesStartingWith(keep.stdout, "would "), [
    `would disable apprentice.service (systemctl --root=${root} disable)`,
    `would remove ${root}/etc/systemd/system/apprentice.service`,
    `would remove command ${root}/usr/local/bin/apprentice`,
    `would remove program ${root}/opt/apprentice`,
    `would remove cache dir ${root}/var/cache/apprentice (test models; made again when needed)`,
  ]);
  assert.match(keep.stdout, new RegExp(`^note: kept state dir ${root}/var/lib/apprentice `, "m"));
  assert.match(keep.stdout, new RegExp(`^note: kept ${root}/etc/systemd/system/apprentice\\.service\\.d `, "m"));
  assert.match(keep.stdout, /^note: kept user apprentice /m);
  assert.doesNotMatch(keep.stdout, /^would delete/m);

  const purge = await runInstall(["--uninstall", "--purge", "--dry-run", "--root", root], { unprivileged: true });
  assert.equal(purge.code, 0, purge.stdout + purge.stderr);
  const purgeLines = linesStartingWith(purge.stdout, "would ");
  assert.deepEqual(purgeLines.slice(0, 2), linesStartingWith(keep.stdout, "would ").slice(0, 2));
  assert.ok(purgeLines.includes(`would remove ${root}/etc/systemd/system/apprentice.service.d (your drop-ins)`));
  assert.ok(purgeLines.includes(`would delete state dir ${root}/var/lib/apprentice (journal, lessons, db, history and models: everything the agent learned)`));
  assert.equal(purgeLines.at(-1), "would delete user apprentice");
  assert.match(purge.stdout, /^dry run: 8 change\(s\) planned, nothing was changed$/m);

  assert.deepEqual(await snapshotTree(root), before, "dry runs change nothing");
});

test("--uninstall on a root with nothing installed has nothing to do", async (t) => {
  const root = await makeTargetRoot(t);
  const result = await runInstall(["--uninstall", "--purge", "--dry-run", "--root", root], { unprivileged: true });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(linesStartingWith(result.stdout, "would "), []);
  assert.match(result.stdout, /^nothing to do: /m);
});
