// The templates live in templates/state/ apart from any live state: `init` copies them, and `npm start` makes ./state from them on its first run only, so a later edit of its config.json is kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { TEMPLATE_DIR } from "../../src/daemon/init-state.js";
import { CLI } from "../support/state-fixture.js";

const execFileAsync = promisify(execFile);
const REPO = path.dirname(path.dirname(CLI));
const TEMPLATE_FILES = ["README.md", "charter.md", "config.json", "goals.yaml"];

async function scratchDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "apprentice-templates-")));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a program in `cwd` without APPRENTICE_STATE (its default ./state is under test); never throws. */
async function runIn(cwd: string, program: string, args: string[]): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, APPRENTICE_LOG: "info" };
  delete env.APPRENTICE_STATE;
  try {
    const { stdout, stderr } = await execFileAsync(program, args, { cwd, env, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: (failed.stdout ?? "") + (failed.stderr ?? "") };
  }
}

test("the templates are the package's templates/state/ folder, not a state dir of its own", async () => {
  assert.equal(TEMPLATE_DIR, path.join(REPO, "templates", "state") + path.sep);
  assert.deepEqual((await readdir(TEMPLATE_DIR)).sort(), TEMPLATE_FILES);
});

test("init copies every template byte for byte into a new state dir", async (t) => {
  const dir = path.join(await scratchDir(t), "fresh");
  const init = await runIn(REPO, CLI, ["init", dir, "--json"]);
  assert.equal(init.code, 0, init.output);
  assert.deepEqual((JSON.parse(init.output) as { created: string[] }).created.sort(), TEMPLATE_FILES);
  for (const name of TEMPLATE_FILES) {
    assert.equal(await readFile(path.join(dir, name), "utf8"), await readFile(path.join(TEMPLATE_DIR, name), "utf8"));
  }
});

test("npm start makes ./state from the templates on its first run, and a second run keeps an edited config.json", async (t) => {
  // A package folder of its own (package.json copied, bin/ linked), so `npm start` runs the real script there and its
  // ./state lands in the scratch folder instead of the checkout.
  const pkg = await scratchDir(t);
  await copyFile(path.join(REPO, "package.json"), path.join(pkg, "package.json"));
  await symlink(path.join(REPO, "bin"), path.join(pkg, "bin"));
  const first = await runIn(pkg, "npm", ["start", "--silent"]);
  // The template config has no model, so the daemon refuses to start (exit 2) after making the state dir.
  assert.equal(first.code, 2, first.output);
  assert.match(first.output, /state did not exist; created it from the templates/);
  assert.match(first.output, /model/i, "it stops for the model, not for the state dir");
  for (const name of TEMPLATE_FILES) {
    assert.equal(
      await readFile(path.join(pkg, "state", name), "utf8"),
      await readFile(path.join(TEMPLATE_DIR, name), "utf8"),
    );
  }

  const config = JSON.parse(await readFile(path.join(pkg, "state", "config.json"), "utf8")) as {
    schedule: Record<string, unknown>;
  };
  const edited = JSON.stringify({ ...config, schedule: { ...config.schedule, cron: "15 * * * *" } }, null, 2);
  await writeFile(path.join(pkg, "state", "config.json"), edited);
  const second = await runIn(pkg, "npm", ["start", "--silent"]);
  assert.equal(second.code, 2, second.output);
  assert.doesNotMatch(second.output, /created it from the templates/);
  assert.match(second.output, /model/i, "the edited config is valid: it stops for the model again");
  assert.equal(await readFile(path.join(pkg, "state", "config.json"), "utf8"), edited);
  assert.notEqual(await readFile(path.join(TEMPLATE_DIR, "config.json"), "utf8"), edited, "the template is untouched");
});
