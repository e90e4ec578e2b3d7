// The test model's default cache is the package's own .cache/ in a writable package folder (a checkout) and the user's ~/.cache/apprentice (or $XDG_CACHE_HOME/apprentice) in one it cannot write (a global install root owns).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { defaultCacheDir } from "../../src/cli/cli-context.js";
import { mountReadOnly } from "../support/read-only-mount.js";

test("a writable package folder keeps the cache in its own .cache/", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-package-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(defaultCacheDir(dir), path.join(dir, ".cache"));
});

test("a package folder this user cannot write puts the cache in the user's own cache dir", async (t) => {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "apprentice-package-"));
  const packageDir = path.join(scratch, "lib", "node_modules", "apprentice");
  // A read-only mount: the tests run as root, whom file modes do not stop.
  const unmount = await mountReadOnly(t, packageDir);
  t.after(async () => {
    unmount?.();
    await rm(scratch, { recursive: true, force: true });
  });
  if (unmount === undefined) return t.skip("no read-only mount here (the reason is printed above)");
  const saved = process.env.XDG_CACHE_HOME;
  t.after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  });
  delete process.env.XDG_CACHE_HOME;
  assert.equal(defaultCacheDir(packageDir), path.join(os.homedir(), ".cache", "apprentice"));
  process.env.XDG_CACHE_HOME = path.join(scratch, "xdg");
  assert.equal(defaultCacheDir(packageDir), path.join(scratch, "xdg", "apprentice"));
});
