// install.sh with a fake `node` first on PATH: an old, broken or missing node stops it with exit 1 and says how to get a supported one; 20.19.0 itself is accepted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { findOnPath, makeTargetRoot, runInstall, snapshotTree } from "./helpers/deploy-fixture.js";

/** A bin dir holding a `node` that prints `output` and exits with `code`. */
async function fakeNodeDir(parent: string, name: string, output: string, code = 0): Promise<string> {
  const dir = path.join(parent, name);
  await mkdir(dir);
  await writeFile(path.join(dir, "node"), `#!/bin/sh\n${output === "" ? "" : `echo '${output}'\n`}exit ${code}\n`);
  await chmod(path.join(dir, "node"), 0o755);
  return dir;
}

function assertNodeRemedy(stderr: string): void {
  assert.match(stderr, /^install\.sh: error: Apprentice needs Node\.js 20\.19\.0 or later/m);
  assert.match(stderr, /deb\.nodesource\.com\/setup_22\.x/, "NodeSource for bookworm");
  assert.match(stderr, /trixie.*apt-get install -y nodejs npm/, "Debian trixie's nodejs");
  assert.match(stderr, /nvm/);
}

test("an old or broken node stops install.sh with exit 1, the version it found and how to get a supported one; 20.19.0 passes", async (t) => {
  const scratch = await makeTargetRoot(t);
  const root = path.join(scratch, "root");
  await mkdir(root);
  for (const [name, output, code] of [["v18", "v18.0.0", 0], ["v20-18", "v20.18.3", 0], ["broken", "", 1]] as const) {
    const bin = await fakeNodeDir(scratch, name, output, code);
    const result = await runInstall(["--dry-run", "--root", root], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` }, unprivileged: true });
    assert.equal(result.code, 1, `${name}: ${result.stdout}${result.stderr}`);
    assertNodeRemedy(result.stderr);
    assert.ok(result.stderr.includes(`${bin}/node is ${output === "" ? "unusable" : output}`), `${name}: ${result.stderr}`);
    assert.doesNotMatch(result.stdout, /^would /m, "nothing planned past the node check");
  }

  const bin = await fakeNodeDir(scratch, "v20-19", "v20.19.0");
  const ok = await runInstall(["--dry-run", "--root", root], { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` }, unprivileged: true });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`^ok: node v20\\.19\\.0 at ${bin}/node$`, "m"));
  assert.deepEqual(await snapshotTree(root), []);
});

test("no node on PATH stops install.sh with exit 1 and how to get one", async (t) => {
  const scratch = await makeTargetRoot(t);
  // A PATH with only what the script needs before its node check.
  const bin = path.join(scratch, "bin");
  await mkdir(bin);
  const dirname = findOnPath("dirname");
  assert.ok(dirname);
  await symlink(dirname, path.join(bin, "dirname"));
  const result = await runInstall(["--dry-run", "--root", scratch], { env: { PATH: bin }, unprivileged: true, viaBash: true });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assertNodeRemedy(result.stderr);
  assert.match(result.stderr, /there is no `node` on PATH/);
});
