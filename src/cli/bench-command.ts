// `apprentice bench learning` (the gym on the real cycle: table, JSON or chart) and `apprentice bench speed` (speed and memory figures of this machine).
import { stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { LlamaBrain } from "../brain/llama-brain.js";
import { ensureTestModel } from "../brain/test-model.js";
import type { TuneResult } from "../bench/write-tuned-threads.js";
import { statePaths } from "../memory/state-paths.js";
import { readConfigFile } from "../config-file.js";
import type { ModeFigures } from "../gym/gym-metrics.js";
import { CycleEvents } from "../events/cycle-events.js";
import { describeEvent } from "../events/describe-event.js";
import { briefEvent } from "../events/event-feed.js";
import { renderLearningChart } from "../gym/learning-chart.js";
import { missedThresholds } from "../gym/judge-thresholds.js";
import { runGym, type GymResult, type ScenarioFigures } from "../gym/run-gym.js";
import type { GymMode } from "../gym/run-scenario.js";
import {
  isScenarioPath,
  listScenarioNames,
  loadAllScenarios,
  loadScenario,
  readScenarioFile,
  type Scenario,
} from "../gym/scenario.js";
import type { Logger } from "../log.js";
import { toOneLine } from "../text/safe-text.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

interface BenchOptions {
  scenario?: string;
  cycles?: number;
  seeds: number;
  firstSeed: number;
  /** False with `--no-memory`. */
  memory: boolean;
  json?: boolean;
  chart?: string;
  keep?: boolean;
}

/** Registers `bench` and its `learning` and `speed` subcommands. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command("bench").description("benchmarks");
  bench
    .command("learning")
    .description(
      "run the learning gym on the real cycle: success per cycle with memory against without (default model: the test model)",
    )
    .option(
      "--scenario <name|file>",
      "run only this scenario: a built-in name, or a path to a scenario YAML file (default: all built-in)",
    )
    .option("--cycles <n>", "cycles per run (default: each scenario's own, 20)", parseWholeNumber)
    .option("--seeds <k>", "seeds per scenario and mode", parseWholeNumber, 5)
    .option("--first-seed <n>", "the first seed: the runs use seeds n .. n+k-1", parseWholeNumber, 1)
    .option("--no-memory", "run only the no-memory mode (memory wiped before each cycle)")
    .option("--json", "print one JSON object on stdout")
    .option("--chart <file.svg>", "write an SVG learning-curve chart")
    .option("--keep", "keep each run's temp state dir for inspection")
    .addHelpText(
      "after",
      "\nThe model is --model PATH (a global option) or, by default, the random-weights test model.\n",
    )
    .action(async (options: BenchOptions, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runBench(context, options).catch(reportError);
    });
  bench
    .command("speed")
    .description(
      "measure load time, brain vs raw node-llama-cpp tokens/s, harness overhead, recall latency, prompt reuse, daemon RSS and a thread sweep",
    )
    .option("--json", "print one JSON object on stdout")
    .option("--tune", "write the fastest thread count of the sweep to config.json's model.threads (of --state)")
    .option("--quick", "a small, quick run (for tests): 1k lessons, 5k episodes, few runs")
    .option("--lessons <n>", "lessons in the seeded state (default 10000)", parseWholeNumber)
    .option("--episodes <n>", "episodes in the seeded state (default 100000)", parseWholeNumber)
    .option("--cycles <n>", "cycles run on the seeded state (default 15)", parseWholeNumber)
    .option("--runs <n>", "paired throughput runs (default 15)", parseWholeNumber)
    .option("--threads <n>", "threads of the brain-vs-raw comparison (default 1)", parseWholeNumber)
    .option(
      "--daemon-cycles <n>",
      "daemon cycles for the RSS figures, 0 to skip the daemon (default 2)",
      parseWholeNumber,
    )
    .addHelpText(
      "after",
      "\nThe model is --model PATH (a global option) or, by default, the random-weights test model.\n",
    )
    .action(async (options: SpeedOptions, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runSpeed(context, options).catch(reportError);
    });
}

interface SpeedOptions {
  json?: boolean;
  tune?: boolean;
  quick?: boolean;
  lessons?: number;
  episodes?: number;
  cycles?: number;
  runs?: number;
  threads?: number;
  daemonCycles?: number;
}

async function runSpeed(context: CliContext, options: SpeedOptions): Promise<number> {
  const cores = availableParallelism();
  const checks: Array<[string, number | undefined, number, number]> = [
    ["--lessons", options.lessons, 0, 1_000_000],
    ["--episodes", options.episodes, 0, 10_000_000],
    ["--cycles", options.cycles, 1, 100],
    ["--runs", options.runs, 1, 100],
    ["--threads", options.threads, 1, 64],
    ["--daemon-cycles", options.daemonCycles, 0, 20],
  ];
  for (const [name, value, low, high] of checks) {
    if (value !== undefined && (!Number.isInteger(value) || value < low || value > high))
      return usage(`${name} takes a whole number from ${low} to ${high}`, "speed");
  }
  const paths = statePaths(path.resolve(context.options.state));
  if (options.tune) {
    // Checked before the long run: a config that cannot take the result should fail now, not minutes later.
    const read = await readConfigFile(paths.config);
    if (read.status !== "ok")
      return usage(`--tune writes ${paths.config}, which cannot be used: ${read.message}`, "speed");
  }
  const modelPath =
    context.options.model !== undefined ? path.resolve(context.options.model) : await ensureTestModel(context.cacheDir);
  const modelFile = await stat(modelPath).catch(() => undefined);
  if (modelFile === undefined || !modelFile.isFile())
    return usage(
      `model file not found: ${modelPath} (give a GGUF with --model PATH, or leave it out for the test model)`,
      "speed",
    );
  const quick = options.quick === true;
  // The token cost is always that of the Qwen2.5 stand-in: a real tokenizer and chat template, on any machine.
  const { ensureStandInModel } = await import("../brain/stand-in-model.js");
  const tokensModelPath = await ensureStandInModel("qwen2.5", context.cacheDir);
  // Loaded here, not with the CLI: every other command (and the daemon) would carry the bench's modules otherwise.
  const { runSpeedBench } = await import("../bench/run-speed-bench.js");
  const { formatSpeedReport } = await import("../bench/format-speed-report.js");
  const { writeTunedThreads } = await import("../bench/write-tuned-threads.js");
  const report = await runSpeedBench({
    modelPath,
    logger: quietLogger(context.logger),
    lessons: options.lessons ?? (quick ? 1000 : 10_000),
    episodes: options.episodes ?? (quick ? 5000 : 100_000),
    cycles: options.cycles ?? (quick ? 3 : 15),
    runs: options.runs ?? (quick ? 3 : 15),
    maxTokens: quick ? 32 : 96,
    threads: options.threads ?? 1,
    maxThreads: cores,
    sweepRuns: quick ? 1 : 3,
    recallSizes: quick ? [100, 1000] : [1000, 10_000, 100_000],
    recallQueries: quick ? 10 : 50,
    prefixCacheModelPath: tokensModelPath,
    prefixCacheCycles: quick ? 4 : 8,
    daemonCycles: options.daemonCycles ?? (quick ? 1 : 2),
    contextSize: 2048,
    tokensModelPath,
    onProgress: (line) => printErr(`speed: ${line}\n`),
  });
  let tuned: TuneResult | undefined;
  if (options.tune) {
    tuned = await writeTunedThreads(paths.config, report.bestThreads);
    if (!tuned.ok) printErr(`apprentice bench speed: ${tuned.message}\n`);
    else
      printErr(
        `speed: model.threads in ${paths.config} set to ${tuned.threads} (was ${tuned.previous}); a running daemon uses it from its next cycle\n`,
      );
  }
  if (options.json)
    printJsonLine({
      ...report,
      ...(tuned?.ok ? { tuned: { configFile: paths.config, threads: tuned.threads, previous: tuned.previous } } : {}),
    });
  else printOut(formatSpeedReport(report));
  return tuned !== undefined && !tuned.ok ? EXIT.usage : EXIT.ok;
}

async function runBench(context: CliContext, options: BenchOptions): Promise<number> {
  if (!Number.isInteger(options.seeds) || options.seeds < 1 || options.seeds > 100)
    return usage("--seeds takes a whole number from 1 to 100");
  if (!Number.isInteger(options.firstSeed) || options.firstSeed < 1 || options.firstSeed > 1_000_000)
    return usage("--first-seed takes a whole number from 1 to 1000000");
  if (
    options.cycles !== undefined &&
    (!Number.isInteger(options.cycles) || options.cycles < 1 || options.cycles > 500)
  ) {
    return usage("--cycles takes a whole number from 1 to 500");
  }
  const chosen = await chooseScenarios(options.scenario);
  if (!chosen.ok) return usage(chosen.message);
  const scenarios = chosen.scenarios;
  const modelPath =
    context.options.model !== undefined ? path.resolve(context.options.model) : await ensureTestModel(context.cacheDir);
  // Checked up front: otherwise every cycle of every run would fail the same way, minutes later.
  const modelFile = await stat(modelPath).catch(() => undefined);
  if (modelFile === undefined || !modelFile.isFile())
    return usage(
      `model file not found: ${modelPath} (give a GGUF with --model PATH, or leave it out for the test model)`,
    );
  const modes: GymMode[] = options.memory ? ["memory", "no-memory"] : ["no-memory"];
  printErr(`gym: ${scenarios.length} scenario(s) × ${options.seeds} seed(s) × ${modes.join(" + ")} on ${modelPath}\n`);

  const logger = quietLogger(context.logger);
  const result = await runGym({
    scenarios,
    seeds: options.seeds,
    firstSeed: options.firstSeed,
    ...(options.cycles !== undefined ? { cycles: options.cycles } : {}),
    modes,
    modelPath,
    brain: new LlamaBrain(logger),
    logger,
    ...gymProgress(process.stderr),
    ...(options.keep ? { keepStateDirs: true } : {}),
  });
  if (options.chart !== undefined) {
    await writeFile(options.chart, renderLearningChart(result.scenarios));
    printErr(`gym: chart written to ${path.resolve(options.chart)}\n`);
  }
  if (options.json) printJsonLine(result);
  else printOut(formatGymTables(result));
  const missed = missedThresholds(result.scenarios);
  if (missed.length === 0) return EXIT.ok;
  printErr(
    `gym: threshold not met: ${missed.map((miss) => `${miss.scenario}: ${miss.want} (got ${miss.got})`).join("; ")}\n`,
  );
  return EXIT.failed;
}

/**
 * The scenarios `--scenario` names: all built-in ones when absent, a scenario file when the value is a path (it holds
 * a `/` or ends in `.yaml`/`.yml`; its `name` need not match the file's), else the built-in scenario of that name.
 * A missing file, bad YAML or a bad field is a one-message usage error, never a throw.
 */
export async function chooseScenarios(
  value: string | undefined,
): Promise<{ ok: true; scenarios: Scenario[] } | { ok: false; message: string }> {
  if (value === undefined) return { ok: true, scenarios: await loadAllScenarios() };
  if (isScenarioPath(value)) {
    const read = await readScenarioFile(path.resolve(value));
    return read.ok ? { ok: true, scenarios: [read.scenario] } : { ok: false, message: read.message };
  }
  const names = await listScenarioNames();
  if (!names.includes(value))
    return {
      ok: false,
      message: `no scenario "${value}"; the scenarios are: ${names.join(", ")} (or give a file path such as ./my-scenario.yaml)`,
    };
  return { ok: true, scenarios: [await loadScenario(value)] };
}

/** The human report: one table per scenario, memory against no-memory, then the total time. */
export function formatGymTables(result: GymResult): string {
  const lines: string[] = [];
  for (const scenario of result.scenarios) {
    lines.push(
      `${scenario.name} (${scenario.seeds} seed${scenario.seeds === 1 ? "" : "s"} × ${scenario.cycles} cycles)`,
    );
    const windows = windowLabels(scenario);
    const header = [
      "mode",
      ...windows,
      "late(6+)",
      "repeated",
      "steps first→last5",
      "disallowed",
      "tainted↑",
      "key masked",
    ];
    const rows = [header];
    for (const [label, figures] of [
      ["memory", scenario.memory],
      ["no-memory", scenario.noMemory],
    ] as const) {
      if (figures !== null) rows.push(formatRow(label, figures, windows.length));
    }
    lines.push(...alignColumns(rows).map((row) => `  ${row}`));
    for (const [label, figures] of [
      ["memory", scenario.memory],
      ["no-memory", scenario.noMemory],
    ] as const) {
      if (figures?.cyclesToRetireAfterChange === undefined) continue;
      const value = figures.cyclesToRetireAfterChange;
      const cooldown = figures.cooldownAtChange ?? null;
      const within = figures.retiredWithinTwoCooldowns ?? null;
      const mask =
        cooldown === null
          ? "no mask on it at the change"
          : `mask cooldown at the change ${formatNumber(cooldown)}; within 2 cooldowns: ${within === true ? "yes" : "no"}`;
      lines.push(
        `  ${label}: avoid-lesson retired ${value === null ? "never" : `${formatNumber(value)} cycles`} after the change (${mask})`,
      );
    }
    lines.push(...formatGoalsAndThresholds(scenario), "");
  }
  lines.push(`Total time: ${result.seconds.toFixed(1)} s`, "");
  return lines.join("\n");
}

/** Per-goal late success (only when the scenario has several goals), skill lengths, and each declared threshold's verdict. */
function formatGoalsAndThresholds(scenario: ScenarioFigures): string[] {
  const lines: string[] = [];
  for (const [label, figures] of [
    ["memory", scenario.memory],
    ["no-memory", scenario.noMemory],
  ] as const) {
    if (figures === null) continue;
    if (figures.keyNeverWorked > 0)
      lines.push(`  ${label}: ${figures.keyNeverWorked} seed(s) never ran the key action successfully`);
    if (figures.goals.length > 1)
      lines.push(
        `  ${label}: late success per goal: ${figures.goals.map((goal) => `${goal.id} ${formatRate(goal.successLate)}`).join(", ")}`,
      );
    if (figures.skillsWithUselessStep !== undefined) {
      lines.push(
        `  ${label}: final skills ${formatNumber(figures.finalSkillSteps)} step(s) on average; ${figures.skillsWithUselessStep} keep a useless step; ${figures.uselessStepInFirstSuccess ?? 0} seed(s) carried one in their first success`,
      );
    }
  }
  for (const verdict of scenario.thresholds) {
    lines.push(
      `  threshold ${verdict.met === true ? "met" : verdict.met === false ? "NOT met" : "not judged"}: ${verdict.want} (got ${verdict.got})`,
    );
  }
  return lines;
}

function windowLabels(scenario: ScenarioFigures): string[] {
  const count = Math.ceil(scenario.cycles / 5);
  return Array.from({ length: count }, (_, index) => `c${index * 5 + 1}-${Math.min(scenario.cycles, index * 5 + 5)}`);
}

function formatRow(label: string, figures: ModeFigures, windows: number): string[] {
  const rates = Array.from({ length: windows }, (_, index) => formatRate(figures.successByWindow[index] ?? null));
  return [
    label,
    ...rates,
    formatRate(figures.successLate),
    String(figures.repeatedMaskedFailures),
    `${formatNumber(figures.stepsPerSuccessFirst)} → ${formatNumber(figures.stepsPerSuccessLast5)}`,
    String(figures.disallowedActions),
    String(figures.taintedPromoted),
    figures.permanentlyMasked ? "yes" : "no",
  ];
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  "),
  );
}

function formatRate(rate: number | null): string {
  return rate === null ? "-" : `${Math.round(rate * 100)}%`;
}

function formatNumber(value: number | null): string {
  return value === null ? "-" : Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function parseWholeNumber(value: string): number {
  return /^\d+$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
}

function usage(message: string, command = "learning"): number {
  printErr(`apprentice bench ${command}: ${message}\n`);
  return EXIT.usage;
}

/** Cycle-by-cycle info lines would drown the progress lines: only warnings and errors pass. */
function quietLogger(logger: Logger): Logger {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

/**
 * The gym's progress on `stream`: a line per finished run and, on a terminal, a live line below it that shows the
 * running cycle's latest event (redrawn in place, cleared before the next run's line).
 */
function gymProgress(stream: NodeJS.WriteStream): { onRun: (line: string) => void; events: CycleEvents } {
  const live = stream.isTTY === true;
  const events = new CycleEvents();
  if (live)
    events.subscribe((event) => void stream.write(`\r\x1b[K${toOneLine(describeEvent(briefEvent(event, "")), 110)}`));
  return { onRun: (line) => void stream.write(`${live ? "\r\x1b[K" : ""}${line}\n`), events };
}
