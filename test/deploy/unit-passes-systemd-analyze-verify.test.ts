// deploy/apprentice.service passes `systemd-analyze verify` unchanged, and the same check fails on a misspelled key, a bad value and a missing program.
//
// No systemd runs here, and verify wants the ExecStart program to exist. So the unit is verified, byte for byte as
// shipped, inside a temp root (`--root`): the root holds the unit where install.sh puts it, the real launcher
// (bin/apprentice.js) where install.sh puts it, and a copy of this machine's systemd units for the dependencies
// (sysinit.target, multi-user.target, time-sync.target...). Verified: every section, key and value parses (an unknown
// key or bad value makes `--recursive-errors=no` exit non-zero), the dependencies exist, ExecStart= names an
// executable at /opt/apprentice/bin/apprentice.js. Not verified: that the user exists (verify never looks), and that
// the sandbox lets node run (that needs a running systemd; see deploy/README.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, copyFile, cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { findOnPath, makeTargetRoot, REPO, run, skipLoudly, UNIT_FILE } from "./helpers/deploy-fixture.js";

const HOST_UNITS = "/usr/lib/systemd/system";

async function makeVerifyRoot(t: Parameters<typeof makeTargetRoot>[0]): Promise<{ root: string; unit: string; program: string }> {
  const root = await makeTargetRoot(t);
  const unit = path.join(root, "etc/systemd/system/apprentice.service");
  const program = path.join(root, "opt/apprentice/bin/apprentice.js");
  await mkdir(path.dirname(unit), { recursive: true });
  await mkdir(path.dirname(program), { recursive: true });
  await copyFile(UNIT_FILE, unit);
  await copyFile(path.join(REPO, "bin/apprentice.js"), program);
  await chmod(program, 0o755);
  await cp(HOST_UNITS, path.join(root, HOST_UNITS), { recursive: true, verbatimSymlinks: true });
  return { root, unit, program };
}

function verify(root: string): ReturnType<typeof run> {
  return run("systemd-analyze", ["verify", "--recursive-errors=no", "--man=no", `--root=${root}`, "apprentice.service"]);
}

test("systemd-analyze verify passes the shipped unit and fails a misspelled key, a bad value and a missing ExecStart program", async (t) => {
  if (findOnPath("systemd-analyze") === undefined) {
    skipLoudly(t, "systemd-analyze not found: install Debian's systemd package (.ci/run does) to verify deploy/apprentice.service");
    return;
  }
  const { root, unit, program } = await makeVerifyRoot(t);
  const shipped = await readFile(UNIT_FILE, "utf8");

  const clean = await verify(root);
  t.diagnostic(`systemd-analyze verify on the shipped unit: exit ${clean.code}, output ${JSON.stringify(clean.stdout + clean.stderr)}`);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.equal(clean.stdout + clean.stderr, "", "no warning at all");

  // The same check must be able to fail, or passing it means nothing.
  await writeFile(unit, shipped.replace(/^NoNewPrivileges=yes$/m, "NoNewPrivilege=yes"));
  const misspelled = await verify(root);
  assert.notEqual(misspelled.code, 0);
  assert.match(misspelled.stderr, /Unknown key 'NoNewPrivilege' in section \[Service\]/);

  await writeFile(unit, shipped.replace(/^ProtectSystem=strict$/m, "ProtectSystem=strickt"));
  const badValue = await verify(root);
  assert.notEqual(badValue.code, 0);
  assert.match(badValue.stderr, /strickt/);

  await writeFile(unit, shipped);
  await rm(program);
  const noProgram = await verify(root);
  assert.notEqual(noProgram.code, 0);
  assert.match(noProgram.stderr, /\/opt\/apprentice\/bin\/apprentice\.js is not executable/);
});

test("systemd-analyze security rates the shipped unit's exposure at 1.4 or less, and a unit without its hardening above that", async (t) => {
  if (findOnPath("systemd-analyze") === undefined) {
    skipLoudly(t, "systemd-analyze not found: install Debian's systemd package (.ci/run does) to rate deploy/apprentice.service");
    return;
  }
  const { root, unit } = await makeVerifyRoot(t);
  const security = (): ReturnType<typeof run> => run("systemd-analyze", ["security", "--offline=yes", "--threshold=20", `--root=${root}`, "apprentice.service"]);
  const rated = await security();
  const level = /Overall exposure level for apprentice\.service: ([\d.]+)/.exec(rated.stdout)?.[1];
  t.diagnostic(`exposure level of the shipped unit: ${level ?? "not printed"}`);
  assert.equal(rated.code, 0, rated.stdout + rated.stderr);
  assert.ok(level !== undefined && Number(level) <= 1.4, rated.stdout);

  // Only the [Unit], the ExecStart and the user left: the same threshold must now fail.
  const bare = ["[Unit]", "Description=bare", "[Service]", "User=apprentice", "ExecStart=/opt/apprentice/bin/apprentice.js start", ""].join("\n");
  await writeFile(unit, bare);
  const bareRated = await security();
  assert.notEqual(bareRated.code, 0, bareRated.stdout);
});
