// The README's install path for real: `npm pack` of the checkout, `npm install -g` of the tarball into a fresh prefix, then the installed `apprentice` from a folder outside the checkout (--help, init, doctor with the test model, and a demo cycle as another user, whose test model goes to its own cache).
//
// `npm pack --ignore-scripts`: the suite has just built dist/, and the pack's "prepare" (a rebuild) would rewrite
// dist/ under the other tests running from it. The install is the real one, from the registry through npm's cache.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chown, mkdir, readFile, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { testModel } from "../support/state-fixture.js";
import { findOnPath, makeTargetRoot, REPO, run, skipLoudly, type Run } from "./helpers/deploy-fixture.js";

/** What npm prints when the registry cannot be reached: the install was not possible here, so the test cannot run. */
const NO_REGISTRY = /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|network request to .* failed/;
const NOBODY = 65534;

/** Packs the checkout into `dir`; returns the tarball's path. */
async function pack(dir: string): Promise<string> {
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--loglevel=error", "--pack-destination", dir]);
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string; mode: number }> }>;
  assert.ok(info, packed.stdout);
  const files = info.files.map((file) => file.path);
  for (const needed of [
    "bin/apprentice.js",
    "dist/src/cli/main.js",
    "templates/state/config.json",
    "templates/state/charter.md",
    "src/gym/scenarios/procedure.yaml",
    "deploy/apprentice.service",
    "templates/jobs/pi-health/goals.yaml",
    "templates/jobs/tidy-folder/bin/sort-drop",
    "templates/jobs/daily-digest/bin/make-digest",
  ]) {
    assert.ok(files.includes(needed), `the tarball ships ${needed}`);
  }
  const script = info.files.find((file) => file.path === "templates/jobs/tidy-folder/bin/sort-drop");
  assert.ok(script !== undefined && (script.mode & 0o111) !== 0, "a job's script stays executable in the tarball");
  assert.ok(!files.some((file) => file.startsWith("dist/test/")), "the compiled tests stay out of the tarball");
  return path.join(dir, info.filename);
}

/** Runs the installed command in `cwd` with a PATH that starts at the prefix's bin/ and no APPRENTICE_STATE. */
function installed(prefix: string, cwd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const { APPRENTICE_STATE: _unset, APPRENTICE_CACHE_DIR: _alsoUnset, ...base } = process.env;
  const env = { ...base, PATH: `${path.join(prefix, "bin")}:${process.env.PATH ?? ""}`, ...extra };
  return run(path.join(prefix, "bin", "apprentice"), args, { cwd, env });
}

test("npm install -g of the packed checkout gives a working apprentice on the PATH, outside the checkout", { timeout: 300_000 }, async (t) => {
  if (findOnPath("npm") === undefined) {
    skipLoudly(t, "npm is not on PATH: the npm pack / npm install -g path of the README was not tried");
    return;
  }
  const scratch = await makeTargetRoot(t);
  const tarball = await pack(scratch);
  const prefix = path.join(scratch, "prefix");
  const install = await run("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", "--allow-scripts=node-llama-cpp", tarball], { cwd: scratch });
  if (install.code !== 0 && NO_REGISTRY.test(install.stderr)) {
    skipLoudly(t, `npm install -g could not reach the registry, so the README's install path was not tried: ${install.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    return;
  }
  assert.equal(install.code, 0, install.stdout + install.stderr);
  // The README's answer to npm 11's advisory: the flag covers node-llama-cpp's postinstall.
  assert.doesNotMatch(install.stderr, /not yet covered by allowScripts[\s\S]*node-llama-cpp@/);
  const packageDir = path.join(prefix, "lib", "node_modules", "apprentice");
  assert.equal(await realpath(path.join(prefix, "bin", "apprentice")), path.join(packageDir, "bin", "apprentice.js"));
  assert.ok((await stat(path.join(packageDir, "node_modules", "node-llama-cpp", "package.json"))).isFile(), "its own node-llama-cpp");

  const elsewhere = path.join(scratch, "elsewhere");
  await mkdir(elsewhere);
  const version = await installed(prefix, elsewhere, ["--version"]);
  const ours = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as { version: string };
  assert.equal(version.stdout.trim(), ours.version, version.stderr);
  const help = await installed(prefix, elsewhere, ["--help"]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: apprentice /m);
  assert.match(help.stdout, /APPRENTICE_STATE/);

  // init from the installed templates, then doctor on that state with the test model: the binding and model load.
  const init = await installed(prefix, elsewhere, ["init", "st", "--json"]);
  assert.equal(init.code, 0, init.stderr);
  assert.deepEqual((JSON.parse(init.stdout) as { created: string[] }).created.sort(), ["README.md", "charter.md", "config.json", "goals.yaml"]);
  assert.equal(await readFile(path.join(elsewhere, "st", "config.json"), "utf8"), await readFile(path.join(packageDir, "templates", "state", "config.json"), "utf8"));
  const job = await installed(prefix, elsewhere, ["init", "job", "--template", "tidy-folder", "--json"]);
  assert.equal(job.code, 0, job.stderr);
  assert.ok((JSON.parse(job.stdout) as { created: string[] }).created.includes("bin/sort-drop"), job.stdout);
  assert.ok(((await stat(path.join(elsewhere, "job", "bin", "sort-drop"))).mode & 0o111) !== 0, "the job's script is executable");
  const doctor = await installed(prefix, elsewhere, ["doctor", "--json", "--model", await testModel()], { APPRENTICE_STATE: path.join(elsewhere, "st") });
  const report = JSON.parse(doctor.stdout) as { ok: boolean; stateDir: string; checks: Array<{ id: string; status: string; finding: string }> };
  assert.equal(report.stateDir, path.join(elsewhere, "st"));
  for (const id of ["binding", "config", "goals", "model"]) {
    assert.equal(report.checks.find((check) => check.id === id)?.status, "ok", `doctor's ${id} check: ${doctor.stdout}`);
  }
  assert.equal(doctor.code, report.ok ? 0 : 1, doctor.stderr);

  // A global install belongs to root: another user's demo runs it, with the test model in that user's own cache.
  const setpriv = findOnPath("setpriv");
  if (process.getuid?.() !== 0 || setpriv === undefined) {
    skipLoudly(t, "the demo as another user needs root and setpriv: the cache of a root-owned install was not tried");
    return;
  }
  const home = path.join(scratch, "home");
  await mkdir(home);
  await chown(home, NOBODY, NOBODY);
  const { APPRENTICE_STATE: _unset, APPRENTICE_CACHE_DIR: _alsoUnset, XDG_CACHE_HOME: _xdg, ...base } = process.env;
  const demo = await run(setpriv, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--", path.join(prefix, "bin", "apprentice"), "demo", "--cycles", "1", "--json"], {
    cwd: home,
    env: { ...base, HOME: home, PATH: `${path.join(prefix, "bin")}:${process.env.PATH ?? ""}` },
  });
  assert.equal(demo.code, 0, demo.stdout + demo.stderr);
  assert.equal((await readdir(path.join(home, ".cache", "apprentice"))).filter((name) => name.endsWith(".gguf")).length, 1, demo.stderr);
  assert.ok(!(await readdir(packageDir)).includes(".cache"), "nothing was written into the installed package");
});
