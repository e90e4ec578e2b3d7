// `init --template NAME` layers a job template over the base one (its charter, goals and config, its README section, its scripts), keeps what exists, and refuses a name that is not a template.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { TEMPLATE_DIR } from "../../src/daemon/init-state.js";
import { JOB_TEMPLATES_DIR } from "../../src/daemon/job-templates.js";
import { runCliSplit } from "./model-test-support.js";

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "apprentice-init-job-")));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("init --template pi-health writes the job's files over the base template, and a second run keeps them all", async (t) => {
  const dir = path.join(await scratch(t), "state");
  const first = await runCliSplit(["init", dir, "--template", "pi-health", "--json"]);
  assert.equal(first.code, 0, first.stderr);
  const made = JSON.parse(first.stdout) as { created: string[]; kept: string[]; template: string };
  assert.equal(made.template, "pi-health");
  assert.deepEqual(made.created.sort(), [
    "README.md",
    "bin/clean-old-logs",
    "bin/health-report",
    "bin/pi-health.conf",
    "charter.md",
    "config.json",
    "goals.yaml",
  ]);
  const job = path.join(JOB_TEMPLATES_DIR, "pi-health");
  for (const name of ["charter.md", "goals.yaml", "config.json", "bin/pi-health.conf"])
    assert.equal(await readFile(path.join(dir, name), "utf8"), await readFile(path.join(job, name), "utf8"), name);
  const readme = await readFile(path.join(dir, "README.md"), "utf8");
  assert.ok(readme.startsWith((await readFile(path.join(TEMPLATE_DIR, "README.md"), "utf8")).trimEnd()));
  assert.ok(readme.endsWith(await readFile(path.join(job, "README.md"), "utf8")), "the job's section follows");
  for (const script of ["bin/health-report", "bin/clean-old-logs"])
    assert.equal((await stat(path.join(dir, script))).mode & 0o777, 0o755, script);
  assert.equal(
    (await stat(path.join(dir, "bin/pi-health.conf"))).mode & 0o111,
    0,
    "a settings file is not made executable",
  );

  await writeFile(path.join(dir, "charter.md"), "# My own charter\n");
  const second = await runCliSplit(["init", dir, "--template", "pi-health", "--json"]);
  assert.equal(second.code, 0, second.stderr);
  const again = JSON.parse(second.stdout) as { created: string[]; kept: string[] };
  assert.deepEqual(again.created, []);
  assert.equal(again.kept.length, made.created.length);
  assert.equal(await readFile(path.join(dir, "charter.md"), "utf8"), "# My own charter\n");
});

test("init over an existing state dir adds only the job's missing files, such as its scripts", async (t) => {
  const dir = path.join(await scratch(t), "state");
  assert.equal((await runCliSplit(["init", dir])).code, 0);
  const base = await readFile(path.join(dir, "goals.yaml"), "utf8");
  const run = await runCliSplit(["init", dir, "--template", "tidy-folder"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /\(job: tidy-folder\)\n {2}created: bin\/sort-drop\n {2}kept as they were: charter\.md, goals\.yaml, config\.json, README\.md\n/,
  );
  assert.equal(await readFile(path.join(dir, "goals.yaml"), "utf8"), base, "the existing goals are kept");
});

test("an unknown template exits 2 naming the templates there are, and makes nothing; --list-templates lists them", async (t) => {
  const root = await scratch(t);
  for (const name of ["nope", "../state", "/etc", "pi-health/bin"]) {
    const dir = path.join(root, "never");
    const run = await runCliSplit(["init", dir, "--template", name]);
    assert.equal(run.code, 2, `${name}: ${run.stdout}`);
    assert.equal(
      run.stderr,
      `apprentice: no job template "${name}"; the templates are: daily-digest, pi-health, tidy-folder\n`,
    );
    await assert.rejects(stat(dir), { code: "ENOENT" });
  }
  const list = await runCliSplit(["init", "--list-templates"]);
  assert.equal(list.stdout, "daily-digest\npi-health\ntidy-folder\n");
  const json = await runCliSplit(["init", "--list-templates", "--json"]);
  assert.deepEqual(JSON.parse(json.stdout), { templates: ["daily-digest", "pi-health", "tidy-folder"] });
  const help = await runCliSplit(["init", "--help"]);
  assert.match(help.stdout, /--template <name>/);
  assert.match(help.stdout, /pi-health, tidy-folder, daily-digest/);
});
