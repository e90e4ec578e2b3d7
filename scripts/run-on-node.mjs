// Runs the integration tests, the demo and the quick reliability suite on another Node major (CI runs 24 and 26 after
// `npm test` on the default one), reusing the dist/ build; exit 1 when any part fails, 2 on a usage or fetch error.
//
//   node scripts/run-on-node.mjs MAJOR [--all] [--only tests,demo,reliability]
//
// The node binary comes from the npm registry's `node` package through npx, which keeps it in npm's cache
// (~/.npm/_npx), so a second run fetches nothing but the version list. --all runs every test file instead of the
// integration set (the reliability quick suite is then one of the test files, so that part is left out).
import { mkdtemp, rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The checkout: the parts run from here, as `npm test` does, whatever the caller's working dir. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The test files that depend most on the runtime: those that load the real model through node-llama-cpp's native
 * binding (brain, cycle, gym short runs) and those that spawn the CLI and the daemon as child processes with their
 * signals, timers, locks and file watchers (cli, daemon, deploy's install script and npm-pack install). The sandbox,
 * crash-point and hostile-file tests (tools/, memory/) are left to the quick reliability suite, which runs the same
 * kernel paths (sandbox escapes, crash points, hostile state) on this Node too, to keep CI's wall time bounded.
 * Substrings of paths under dist/test, as run-tests.mjs takes.
 */
const INTEGRATION_TESTS = [
  "dist/test/brain/",
  "dist/test/cli/",
  "dist/test/cycle/",
  "dist/test/daemon/",
  "dist/test/gym/gym-short-run-",
  "dist/test/deploy/",
];
const PARTS = ["tests", "demo", "reliability"];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    all: { type: "boolean", default: false },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("usage: node scripts/run-on-node.mjs MAJOR [--all] [--only tests,demo,reliability]");
  process.exit(0);
}
const major = positionals[0];
if (positionals.length !== 1 || !/^\d+$/.test(major)) usage("takes one Node major version, e.g. 24");
const parts = (values.only ?? PARTS.join(",")).split(",").map((part) => part.trim());
const unknown = parts.filter((part) => !PARTS.includes(part));
if (unknown.length > 0) usage(`--only takes ${PARTS.join(", ")}, not ${unknown.join(", ")}`);

const node = fetchNode(major);
const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ""}` };
checkPathNode(node, env);
const results = [];
if (parts.includes("tests")) results.push(runPart("tests", [node, "scripts/run-tests.mjs", ...testFilters()], env));
if (parts.includes("demo")) results.push(await runDemo(node, env));
if (parts.includes("reliability") && !values.all)
  results.push(runPart("reliability", [node, "scripts/run-reliability.mjs", "--quick"], env));
console.log(`\nNode ${major} (${node}):`);
for (const result of results)
  console.log(`  ${result.ok ? "✔" : "✖"} ${result.name} (${result.seconds.toFixed(0)} s)${result.why ?? ""}`);
process.exit(results.every((result) => result.ok) ? 0 : 1);

function usage(message) {
  console.error(`run-on-node: ${message}`);
  process.exit(2);
}

/** Returns the absolute path of the registry's latest `node@MAJOR` binary, fetched into npm's cache when missing. */
function fetchNode(wanted) {
  const run = spawnSync("npx", ["--yes", `node@${wanted}`, "-p", "`${process.execPath} ${process.version}`"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [binary, version] = (run.stdout ?? "").trim().split(" ");
  if (run.status !== 0 || binary === undefined || version === undefined) {
    const cause = run.error?.message ?? `npx exited with ${run.status ?? run.signal}`;
    console.error(`run-on-node: could not get node@${wanted} from the npm registry through npx: ${cause}`);
    process.exit(2);
  }
  if (!version.startsWith(`v${wanted}.`)) usage(`npx gave ${version} for node@${wanted}`);
  console.log(`run-on-node: Node ${version} at ${binary}`);
  return binary;
}

/** Exits 2 unless `node` on the children's PATH (what bin/apprentice.js's `#!/usr/bin/env node` runs) is `binary`. */
function checkPathNode(binary, childEnv) {
  const run = spawnSync("node", ["-p", "process.execPath"], { env: childEnv, encoding: "utf8" });
  if (run.stdout?.trim() !== binary)
    usage(`node on the PATH is ${run.stdout?.trim() ?? run.error?.message}, not ${binary}`);
}

function testFilters() {
  return values.all ? [] : INTEGRATION_TESTS;
}

/** Runs one part with its output on ours; ok when it exits 0. */
function runPart(name, [command, ...args], childEnv) {
  console.log(`\n=== Node ${major}: ${name}: ${path.basename(command)} ${args.join(" ")}`);
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: ROOT, env: childEnv, stdio: "inherit" });
  const seconds = (performance.now() - started) / 1000;
  const why = run.status === 0 ? undefined : `: exited with ${run.status ?? run.signal ?? run.error?.message}`;
  return { name, ok: run.status === 0, seconds, why };
}

/**
 * Runs `apprentice demo --json` in a temp folder as the README runs it, through the bin script's `#!/usr/bin/env node`
 * (the PATH puts the wanted node first), and checks its one JSON document: every cycle ran or was skipped.
 */
async function runDemo(nodeBinary, childEnv) {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-demo-on-node-"));
  try {
    const started = performance.now();
    const dir = path.join(parent, "demo-state");
    console.log(`\n=== Node ${major}: demo: bin/apprentice.js demo --dir ${dir} --json`);
    const run = spawnSync("bin/apprentice.js", ["demo", "--dir", dir, "--json"], {
      cwd: ROOT,
      env: childEnv,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    process.stdout.write(run.stdout ?? "");
    const seconds = (performance.now() - started) / 1000;
    const why = demoProblem(run);
    return { name: "demo", ok: why === undefined, seconds, why: why === undefined ? undefined : `: ${why}` };
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/** What is wrong with a demo run, or undefined when it exited 0 with one JSON document of cycles that all ran. */
function demoProblem(run) {
  if (run.status !== 0) return `exited with ${run.status ?? run.signal ?? run.error?.message}`;
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch (error) {
    return `stdout is not one JSON document (${error.message})`;
  }
  const statuses = Array.isArray(report.results) ? report.results.map((result) => result.status) : [];
  if (statuses.length === 0) return "the JSON has no cycle results";
  if (!statuses.every((status) => status === "ran" || status === "skipped")) return `cycles: ${statuses.join(", ")}`;
  return undefined;
}
