// `apprentice doctor`: checks the board and the state dir and prints ✓ / ! / ✗ with a remedy; exit 1 when a check fails. Changes nothing.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { LlamaBrain } from "../brain/llama-brain.js";
import { inspectGgufFile, probeLlamaBinding } from "../brain/model-inspect.js";
import { readLockHolder } from "../daemon/state-lock.js";
import { statePaths } from "../memory/state-paths.js";
import { readSensors } from "../sense/read-sensors.js";
import { probeSandbox } from "../tools/sandbox-probe.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { runDoctorChecks, type CheckStatus, type DoctorCheck } from "./doctor-checks.js";
import { printJsonLine, printOut } from "./terminal-output.js";
import { toOneLine } from "../text/safe-text.js";

const PACKAGE_JSON = new URL("../../../package.json", import.meta.url);

const MARKS: Record<CheckStatus, string> = { ok: "✓", warn: "!", fail: "✗" };

export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description(
      "check Node, the llama.cpp binding, config, goals, charter, model, memory, temperature, throttling, disk, write access, the lock and the command sandbox",
    )
    .option("--json", "print one JSON object on stdout")
    .addHelpText(
      "after",
      [
        "",
        "Each check prints ✓ (ok), ! (warning) or ✗ (failed) with what it found and, when not ok, what to do.",
        "Exit code: 0 when every check passes or only warns, 1 when one fails.",
        "Doctor changes nothing in the state dir: the write check creates a temp file and removes it.",
        "",
      ].join("\n"),
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runDoctor(context, options.json === true).catch(reportError);
    });
}

async function runDoctor(context: CliContext, json: boolean): Promise<number> {
  const { logger, clock } = context;
  const stateDir = context.options.state;
  const brain = new LlamaBrain(logger);
  const checks = await runDoctorChecks({
    stateDir,
    ...(context.options.model !== undefined ? { modelOverride: context.options.model } : {}),
    nodeVersion: process.versions.node,
    requiredNode: await readRequiredNode(),
    probeBinding: () => probeLlamaBinding(logger),
    inspectModel: inspectGgufFile,
    estimate: (file, contextSize) => brain.estimate(file, contextSize),
    readSensors: () => readSensors(stateDir, clock, logger),
    readLockHolder: () => readLockHolder(stateDir),
    probeSandbox: () => probeSandbox(),
  });
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.status] += 1;
  const root = statePaths(stateDir).root;
  if (json) {
    printJsonLine({ ok: counts.fail === 0, stateDir: root, counts, checks });
  } else {
    printOut(formatChecks(root, checks, counts));
  }
  return counts.fail > 0 ? EXIT.failed : EXIT.ok;
}

/** package.json's `engines.node`, the one place the supported Node version is written down. */
async function readRequiredNode(): Promise<string> {
  const manifest = JSON.parse(await readFile(PACKAGE_JSON, "utf8")) as { engines?: { node?: unknown } };
  const required = manifest.engines?.node;
  if (typeof required !== "string") throw new Error(`${PACKAGE_JSON.pathname} has no engines.node`);
  return required;
}

/** One line per check, the remedy indented under it, then the tally. */
export function formatChecks(
  root: string,
  checks: readonly DoctorCheck[],
  counts: Record<CheckStatus, number>,
): string {
  const width = Math.max(...checks.map((check) => check.id.length));
  const lines = [`apprentice doctor: ${root}`];
  for (const check of checks) {
    // Findings quote the model file's name and header, config values and OS messages: one line each, controls shown.
    lines.push(`  ${MARKS[check.status]} ${check.id.padEnd(width)}  ${toOneLine(check.finding)}`);
    if (check.remedy !== undefined && check.status !== "ok")
      lines.push(`  ${" ".repeat(width + 2)}  → ${toOneLine(check.remedy)}`);
  }
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
  lines.push(`${counts.fail} failed, ${plural(counts.warn, "warning")}, ${counts.ok} ok`, "");
  return lines.join("\n");
}
