// APPRENTICE_STATE is the state dir of every command that is not given --state; --state wins over it; empty means unset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CLI } from "../support/state-fixture.js";

const execFileAsync = promisify(execFile);

/** Runs the CLI in `cwd` with `env` on top of this process's environment, APPRENTICE_STATE removed unless given. */
async function cli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.APPRENTICE_STATE;
  try {
    const { stdout, stderr } = await execFileAsync(CLI, args, { cwd, env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

async function scratchDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "apprentice-state-env-")));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("a command without --state works on the dir APPRENTICE_STATE names", async (t) => {
  const scratch = await scratchDir(t);
  const fromEnv = path.join(scratch, "from-env");
  const init = await cli(["init", "--json"], scratch, { APPRENTICE_STATE: fromEnv });
  assert.equal(init.code, 0, init.stderr);
  assert.equal((JSON.parse(init.stdout) as { root: string }).root, fromEnv);
  assert.ok(existsSync(path.join(fromEnv, "config.json")));
  assert.ok(!existsSync(path.join(scratch, "state")), "the default ./state was not made");

  const status = await cli(["status", "--json"], scratch, { APPRENTICE_STATE: fromEnv });
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { stateDir: string }).stateDir, fromEnv);

  // The next command init suggests needs no --state either, while one for another dir names it.
  const text = await cli(["init"], scratch, { APPRENTICE_STATE: fromEnv });
  assert.match(text.stdout, /then run `apprentice once`\.\n$/);
  const other = await cli(["init", path.join(scratch, "other")], scratch, { APPRENTICE_STATE: fromEnv });
  assert.match(other.stdout, /then run `apprentice once --state [^`]*other`\.\n$/);
});

test("--state wins over APPRENTICE_STATE", async (t) => {
  const scratch = await scratchDir(t);
  const fromEnv = path.join(scratch, "from-env");
  const fromFlag = path.join(scratch, "from-flag");
  const init = await cli(["init", "--json", "--state", fromFlag], scratch, { APPRENTICE_STATE: fromEnv });
  assert.equal(init.code, 0, init.stderr);
  assert.equal((JSON.parse(init.stdout) as { root: string }).root, fromFlag);
  assert.ok(!existsSync(fromEnv), "the APPRENTICE_STATE dir was not touched");

  const status = await cli(["status", "--json", "--state", fromFlag], scratch, { APPRENTICE_STATE: fromEnv });
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { stateDir: string }).stateDir, fromFlag);
});

test("an empty APPRENTICE_STATE means unset: the default ./state", async (t) => {
  const scratch = await scratchDir(t);
  const init = await cli(["init", "--json"], scratch, { APPRENTICE_STATE: "" });
  assert.equal(init.code, 0, init.stderr);
  assert.equal((JSON.parse(init.stdout) as { root: string }).root, path.join(scratch, "state"));
});

test("--help names APPRENTICE_STATE as the default of --state", async (t) => {
  const scratch = await scratchDir(t);
  const help = await cli(["--help"], scratch);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--state <dir>[^\n]*\n?[^\n]*env:\s+APPRENTICE_STATE/);
  assert.match(help.stdout, /^ {2}APPRENTICE_STATE=<dir> .*--state wins/m);
});
