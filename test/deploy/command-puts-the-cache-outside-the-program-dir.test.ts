// The installed `apprentice` command (deploy/apprentice-command.sh) runs the program with a cache dir the user can write, since /opt/apprentice is read-only; an APPRENTICE_CACHE_DIR already set wins. For the service user it also makes the service's state dir the default of --state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeTargetRoot, REPO, run } from "./helpers/deploy-fixture.js";

test("the command runs /opt/apprentice's launcher with its arguments and a per-user cache dir unless one is set", async (t) => {
  const dir = await makeTargetRoot(t);
  const shipped = await readFile(path.join(REPO, "deploy/apprentice-command.sh"), "utf8");
  assert.match(shipped, /^exec \/opt\/apprentice\/bin\/apprentice\.js "\$@"$/m);
  // The same script, with the launcher swapped for one that reports what it got.
  const launcher = path.join(dir, "launcher.sh");
  await writeFile(launcher, '#!/bin/sh\necho "cache=$APPRENTICE_CACHE_DIR${APPRENTICE_STATE:+ state=$APPRENTICE_STATE} args=$*"\n');
  await chmod(launcher, 0o755);
  const command = path.join(dir, "apprentice");
  await writeFile(command, shipped.replace("exec /opt/apprentice/bin/apprentice.js", `exec ${launcher}`));
  await chmod(command, 0o755);

  const { APPRENTICE_CACHE_DIR: _unset, XDG_CACHE_HOME: _alsoUnset, APPRENTICE_STATE: _stateUnset, ...base } = process.env;
  const home = await run(command, ["status", "--state", "/var/lib/apprentice"], { env: { ...base, HOME: "/home/pi" } });
  assert.equal(home.stdout, "cache=/home/pi/.cache/apprentice args=status --state /var/lib/apprentice\n", home.stderr);
  const xdg = await run(command, ["log"], { env: { ...base, HOME: "/home/pi", XDG_CACHE_HOME: "/srv/cache" } });
  assert.equal(xdg.stdout, "cache=/srv/cache/apprentice args=log\n");
  const set = await run(command, ["demo"], { env: { ...base, APPRENTICE_CACHE_DIR: "/mnt/usb/cache" } });
  assert.equal(set.stdout, "cache=/mnt/usb/cache args=demo\n");
  // The service user gets the service's own cache dir (unless this machine happens to have a user of that name).
  if (os.userInfo().username !== "apprentice") assert.doesNotMatch(home.stdout, /\/var\/cache\/apprentice/);
  assert.match(shipped, /= apprentice \]; then\n\s+APPRENTICE_CACHE_DIR=\/var\/cache\/apprentice$/m);
});

test("for the service user the command makes the service's state dir the default of --state; one already set wins", async (t) => {
  const dir = await makeTargetRoot(t);
  const shipped = await readFile(path.join(REPO, "deploy/apprentice-command.sh"), "utf8");
  const launcher = path.join(dir, "launcher.sh");
  await writeFile(launcher, '#!/bin/sh\necho "cache=$APPRENTICE_CACHE_DIR state=${APPRENTICE_STATE-unset} args=$*"\n');
  await chmod(launcher, 0o755);
  // This test's own user stands in for the service user `apprentice`.
  const asServiceUser = shipped.replace("exec /opt/apprentice/bin/apprentice.js", `exec ${launcher}`).replaceAll('= apprentice ]', `= ${os.userInfo().username} ]`);
  assert.notEqual(asServiceUser, shipped);
  const command = path.join(dir, "apprentice");
  await writeFile(command, asServiceUser);
  await chmod(command, 0o755);
  const { APPRENTICE_CACHE_DIR: _unset, APPRENTICE_STATE: _stateUnset, ...base } = process.env;

  const service = await run(command, ["status"], { env: base });
  assert.equal(service.stdout, "cache=/var/cache/apprentice state=/var/lib/apprentice args=status\n", service.stderr);
  const set = await run(command, ["status"], { env: { ...base, APPRENTICE_STATE: "/srv/apprentice" } });
  assert.equal(set.stdout, "cache=/var/cache/apprentice state=/srv/apprentice args=status\n");

  // Anyone else: no APPRENTICE_STATE of the command's making.
  const other = shipped.replace("exec /opt/apprentice/bin/apprentice.js", `exec ${launcher}`).replaceAll('= apprentice ]', "= no-such-user-here ]");
  await writeFile(command, other);
  const someone = await run(command, ["status"], { env: { ...base, HOME: "/home/pi" } });
  assert.equal(someone.stdout, "cache=/home/pi/.cache/apprentice state=unset args=status\n");
});
