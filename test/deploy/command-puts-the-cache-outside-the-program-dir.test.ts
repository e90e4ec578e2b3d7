// The installed `apprentice` command (deploy/apprentice-command.sh) runs the program with a cache dir the user can write, since /opt/apprentice is read-only; an APPRENTICE_CACHE_DIR already set wins.
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
  await writeFile(launcher, '#!/bin/sh\necho "cache=$APPRENTICE_CACHE_DIR args=$*"\n');
  await chmod(launcher, 0o755);
  const command = path.join(dir, "apprentice");
  await writeFile(command, shipped.replace("exec /opt/apprentice/bin/apprentice.js", `exec ${launcher}`));
  await chmod(command, 0o755);

  const { APPRENTICE_CACHE_DIR: _unset, XDG_CACHE_HOME: _alsoUnset, ...base } = process.env;
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
