// A real install.sh run into a temp root (as root): user, program, command, unit, initialized state and enable appear; a second run changes nothing; uninstall keeps the state, --purge removes it.
//
// One stand-in: `npm ci` (minutes and the network on a Pi) links this checkout's node_modules instead; `npm pack`,
// `npm pkg`, useradd, setpriv, `apprentice init` and `systemctl --root enable` are the real ones. install.sh runs from
// a frozen copy of the checkout, so a rebuild of dist/ meanwhile (another test run) cannot change what it installs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, copyFile, cp, mkdir, readFile, readlink, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { findOnPath, linesStartingWith, makeTargetRoot, REPO, run, skipLoudly, snapshotTree, UNIT_FILE } from "./helpers/deploy-fixture.js";

/** What `npm pack` of the checkout ships (package.json "files" and the ignore rules), plus the lockfile. */
async function freezeCheckout(dir: string): Promise<string> {
  const copy = path.join(dir, "checkout");
  await mkdir(copy);
  for (const file of ["package.json", "package-lock.json", "README.md", ".gitignore"]) await copyFile(path.join(REPO, file), path.join(copy, file));
  for (const folder of ["bin", "deploy", "templates", "dist/src"]) await cp(path.join(REPO, folder), path.join(copy, folder), { recursive: true });
  return copy;
}

async function makeNpmStub(dir: string, realNpm: string): Promise<string> {
  const bin = path.join(dir, "stub-bin");
  await mkdir(bin);
  const script = [
    "#!/bin/sh",
    "# npm ci stands in as a link to the checkout's node_modules; any other npm command is the real one.",
    `if [ "$1" = ci ]; then exec ln -s '${path.join(REPO, "node_modules")}' node_modules; fi`,
    `exec '${realNpm}' "$@"`,
    "",
  ].join("\n");
  await writeFile(path.join(bin, "npm"), script);
  await chmod(path.join(bin, "npm"), 0o755);
  return bin;
}

test("installing twice changes nothing the second time; uninstall keeps the state and user, --purge removes them", async (t) => {
  const missing = ["useradd", "userdel", "setpriv", "systemctl", "npm"].filter((name) => findOnPath(name) === undefined);
  if (process.getuid?.() !== 0 || missing.length > 0) {
    skipLoudly(t, `a real install needs root and ${missing.length > 0 ? `${missing.join(", ")} (missing)` : "useradd, setpriv, systemctl"}: the install/uninstall round trip was not run`);
    return;
  }
  const scratch = await makeTargetRoot(t);
  const root = path.join(scratch, "root");
  await mkdir(path.join(root, "etc"), { recursive: true });
  await chmod(root, 0o755);
  await writeFile(path.join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  await writeFile(path.join(root, "etc/group"), "root:x:0:\n");
  await writeFile(path.join(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  await writeFile(path.join(root, "etc/gshadow"), "root:*::\n", { mode: 0o640 });
  const stub = await makeNpmStub(scratch, findOnPath("npm") ?? "npm");
  const env = { ...process.env, PATH: `${stub}:${process.env.PATH ?? ""}` };
  const at = (p: string): string => path.join(root, p);
  const installSh = path.join(await freezeCheckout(scratch), "deploy/install.sh");
  const runInstall = (args: string[], options: { env: NodeJS.ProcessEnv }): ReturnType<typeof run> => run(installSh, args, options);

  const first = await runInstall(["--root", root], { env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.equal(linesStartingWith(first.stdout, "+ ").length, 8, first.stdout);
  const passwd = await readFile(at("etc/passwd"), "utf8");
  const user = /^apprentice:x:(\d+):(\d+):[^:]*:\/var\/lib\/apprentice:\/usr\/sbin\/nologin$/m.exec(passwd);
  assert.ok(user, passwd);
  assert.equal(await readFile(at("etc/systemd/system/apprentice.service"), "utf8"), await readFile(UNIT_FILE, "utf8"));
  assert.equal(await readlink(at("etc/systemd/system/multi-user.target.wants/apprentice.service")), "/etc/systemd/system/apprentice.service");
  assert.equal(await readFile(at("usr/local/bin/apprentice"), "utf8"), await readFile(path.join(REPO, "deploy/apprentice-command.sh"), "utf8"));
  assert.equal((await stat(at("usr/local/bin/apprentice"))).mode & 0o777, 0o755);
  assert.match(await readFile(at("opt/apprentice/.install-stamp"), "utf8"), /^apprentice@\d+\.\d+\.\d+ [0-9a-f]{16}\n$/);
  assert.equal((await stat(at("opt/apprentice/bin/apprentice.js"))).mode & 0o111, 0o111, "the launcher is executable");
  const installedPackage = JSON.parse(await readFile(at("opt/apprentice/package.json"), "utf8")) as { scripts: Record<string, string> };
  assert.equal(installedPackage.scripts.prepare, undefined, "the installed copy does not rebuild on npm ci");
  const stateDir = await stat(at("var/lib/apprentice"));
  assert.equal(stateDir.mode & 0o777, 0o750);
  for (const name of ["lib/apprentice/config.json", "lib/apprentice/charter.md", "lib/apprentice/goals.yaml", "lib/apprentice/inbox", "lib/apprentice/journal", "lib/apprentice/models", "cache/apprentice"]) {
    const info = await stat(at(`var/${name}`));
    assert.equal(`${info.uid}:${info.gid}`, `${user[1]}:${user[2]}`, `${name} belongs to the service user`);
  }

  // The operator's edit survives a re-run, and the second run changes nothing at all.
  await writeFile(at("var/lib/apprentice/charter.md"), "# my own charter\n");
  const before = await snapshotTree(root);
  const second = await runInstall(["--root", root], { env });
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.deepEqual(linesStartingWith(second.stdout, "+ "), []);
  assert.match(second.stdout, /^nothing to do: /m);
  assert.equal(linesStartingWith(second.stdout, "ok: ").length, 8, second.stdout);
  assert.deepEqual(await snapshotTree(root), before);
  assert.equal(await readFile(at("var/lib/apprentice/charter.md"), "utf8"), "# my own charter\n");
  const plan = await runInstall(["--dry-run", "--root", root], { env });
  assert.deepEqual(linesStartingWith(plan.stdout, "would "), []);

  const uninstall = await runInstall(["--uninstall", "--root", root], { env });
  assert.equal(uninstall.code, 0, uninstall.stdout + uninstall.stderr);
  for (const gone of ["etc/systemd/system/apprentice.service", "etc/systemd/system/multi-user.target.wants/apprentice.service", "usr/local/bin/apprentice", "opt/apprentice", "var/cache/apprentice"]) {
    await assert.rejects(stat(at(gone)), { code: "ENOENT" }, gone);
  }
  assert.equal(await readFile(at("var/lib/apprentice/charter.md"), "utf8"), "# my own charter\n", "the state is kept");
  assert.match(await readFile(at("etc/passwd"), "utf8"), /^apprentice:/m, "the user is kept");

  const purge = await runInstall(["--uninstall", "--purge", "--root", root], { env });
  assert.equal(purge.code, 0, purge.stdout + purge.stderr);
  await assert.rejects(stat(at("var/lib/apprentice")), { code: "ENOENT" });
  assert.doesNotMatch(await readFile(at("etc/passwd"), "utf8"), /^apprentice:/m);
  assert.doesNotMatch(await readFile(at("etc/group"), "utf8"), /^apprentice:/m);
});
