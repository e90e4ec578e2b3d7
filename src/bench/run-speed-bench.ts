// `bench speed`: load time, brain vs raw throughput, harness overhead per cycle on a big seeded state, recall latency, prompt reuse, daemon RSS and a thread sweep, all measured in one run on this machine.
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LlamaBrain } from "../brain/llama-brain.js";
import { WorkerBrain } from "../brain/worker-brain.js";
import type { Logger } from "../log.js";
import { measureCycles, type CycleFigures, type CycleTiming } from "./measure-cycles.js";
import { measureDaemonRss, type RssFigures } from "./measure-daemon-rss.js";
import { measureRecall, type RecallFigures } from "./measure-recall.js";
import { measureThroughput, pickBestThreads, sweepThreads, type ThroughputFigures } from "./measure-throughput.js";
import { measureTokenCost, projectOntoPis, type PiProjection, type TokenCostFigures } from "./measure-token-cost.js";

import { measurePrefixCache, type PrefixCacheFigures } from "./measure-prefix-cache.js";
import { seedBenchState } from "./seed-bench-state.js";

/** Sizes of the bench. The defaults are the full size of issue 5; tests shrink them. */
export interface SpeedBenchOptions {
  modelPath: string;
  logger: Logger;
  /** Lessons and episodes of the seeded state for the harness-overhead cycles. Defaults to 10 000 and 100 000. */
  lessons: number;
  episodes: number;
  /** Cycles run on the seeded state. Defaults to 7. */
  cycles: number;
  /** Paired throughput runs (brain, raw with grammar, raw without). Defaults to 7. */
  runs: number;
  /** Token cap per generation in the throughput runs. Defaults to 96. */
  maxTokens: number;
  /** Threads of the throughput comparison. Defaults to 1. */
  threads: number;
  /** Highest thread count of the sweep. Defaults to the number of cores. */
  maxThreads: number;
  /** Decisions per thread count in the sweep. Defaults to 3. */
  sweepRuns: number;
  /** Lesson counts of the recall measurement. Defaults to 1 000, 10 000 and 100 000. */
  recallSizes: number[];
  /** Recalls timed per size (fewer when a size takes long). Defaults to 50. */
  recallQueries: number;
  /** Daemon cycles for the RSS figures; 0 skips the daemon. Defaults to 2. */
  daemonCycles: number;
  contextSize: number;
  onProgress?: (line: string) => void;
  /** Parent of the temp dirs. Defaults to the OS temp dir. */
  tempDir?: string;
  /** The model of the standard cycle whose token cost is reported (`tokens`). Defaults to `modelPath`. */
  tokensModelPath?: string;

  /** The model of the prefix cache's standard cycles (`prefixCache`). Defaults to `modelPath`. */
  prefixCacheModelPath?: string;
  /** Standard cycles of the prefix cache measurement, the first on a cold cache; 0 skips it. Defaults to 5. */
  prefixCacheCycles?: number;
}

export interface SpeedReport {
  machine: { cpus: number; cpuModel: string; arch: string; platform: string; totalRamMB: number; node: string };
  model: { path: string; bytes: number };
  loadMs: number;
  genTokensPerSecRatio: number;
  promptTokensPerSecRatio: number;
  genTokensPerSecRatioNoGrammar: number;
  promptTokensPerSecRatioNoGrammar: number;
  throughput: ThroughputFigures;
  harnessOverheadMsMedian: number;
  harnessOverheadMsMax: number;
  harnessOverheadMsMedianBy: CycleFigures["harnessOverheadMsMedianBy"];
  cycles: CycleTiming[];
  seededState: { lessons: number; episodes: number; dbBytes: number; lessonsMdBytes: number; episodesBytes: number };
  recallP50Ms: Record<string, number>;
  recallP95Ms: Record<string, number>;
  recall: RecallFigures[];
  promptReuseRatio: number;
  /** `steps` measured of `laterSteps` after a cycle's first; a step after a dropped earlier step is not measured. */
  promptReuse: { steps: number; laterSteps: number; evaluatedTokens: number; newTokens: number };
  rss: RssFigures | null;
  /** The token cost of a standard cycle (see `measureTokenCost`); null when its model decided no step. */
  tokens: TokenCostFigures | null;
  /** Seconds per cycle on a Pi 4 and a Pi 5, PROJECTED from `tokens` and published rates; null without `tokens`. */
  piProjection: PiProjection | null;

  /** What the prefix state cache saves on standard cycles (see `measurePrefixCache`); null when skipped. */
  prefixCache: PrefixCacheFigures | null;
  threadSweep: Array<{ threads: number; genTokensPerSec: number }>;
  bestThreads: number;
  seconds: number;
}

/** Runs every measurement in turn (the cycles first, then the model's throughput, the daemon last) and returns the report. */
export async function runSpeedBench(options: SpeedBenchOptions): Promise<SpeedReport> {
  const startedAt = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const brain = new LlamaBrain(options.logger);
  const sampling = {
    brain,
    modelPath: options.modelPath,
    contextSize: options.contextSize,
    maxTokens: options.maxTokens,
    seed: 7,
    temperature: 0.2,
    onProgress: progress,
  };
  const parent = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), "apprentice-bench-speed-"));
  try {
    const cycles = await measureSeededCycles(options, path.join(parent, "seeded"), progress);
    const tokens = await measureStandardCycle(options, path.join(parent, "standard"), progress);

    const prefixCache = await measurePrefixCacheCycles(options, path.join(parent, "prefix-cache"), progress);

    progress(`throughput: brain vs raw LlamaCompletion, ${options.runs} paired runs at ${options.threads} thread(s)`);
    const throughput = await measureThroughput({ ...sampling, threads: options.threads, runs: options.runs });
    progress(`thread sweep: 1 to ${options.maxThreads} thread(s)`);
    const threadSweep = await sweepThreads({ ...sampling, runs: options.sweepRuns, maxThreads: options.maxThreads });

    const recall = measureRecallSizes(options, progress);
    const rss =
      options.daemonCycles > 0
        ? await measureDaemonRss({
            stateDir: path.join(parent, "daemon"),
            modelPath: options.modelPath,
            cycles: options.daemonCycles,
            onProgress: progress,
          })
        : null;
    const model = await stat(options.modelPath);
    return {
      machine: describeMachine(),
      model: { path: options.modelPath, bytes: model.size },
      loadMs: throughput.loadMs,
      genTokensPerSecRatio: throughput.genTokensPerSecRatio,
      promptTokensPerSecRatio: throughput.promptTokensPerSecRatio,
      genTokensPerSecRatioNoGrammar: throughput.genTokensPerSecRatioNoGrammar,
      promptTokensPerSecRatioNoGrammar: throughput.promptTokensPerSecRatioNoGrammar,
      throughput,
      harnessOverheadMsMedian: cycles.harnessOverheadMsMedian,
      harnessOverheadMsMax: cycles.harnessOverheadMsMax,
      harnessOverheadMsMedianBy: cycles.harnessOverheadMsMedianBy,
      cycles: cycles.cycles,
      seededState: { lessons: options.lessons, episodes: options.episodes, ...cycles.files },
      recallP50Ms: Object.fromEntries(recall.map((figures) => [String(figures.lessons), figures.p50Ms])),
      recallP95Ms: Object.fromEntries(recall.map((figures) => [String(figures.lessons), figures.p95Ms])),
      recall,
      promptReuseRatio: cycles.promptReuseRatio,
      promptReuse: sumPromptReuse(cycles),
      rss,
      tokens,
      piProjection: tokens !== null ? projectOntoPis(tokens) : null,

      prefixCache,
      threadSweep,
      bestThreads: pickBestThreads(threadSweep),
      seconds: Math.round((performance.now() - startedAt) / 100) / 10,
    };
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/**
 * Seeds a state of `options.lessons` lessons and `options.episodes` episodes at `stateDir` and times
 * `options.cycles` cycles on it. The cycles run through the daemon's brain (the model in its own process), in a
 * process as lean as the daemon's, which never loads llama.cpp itself: a fork for a goal check costs more from a
 * process that did. So this runs first, before anything here loads the model.
 */
async function measureSeededCycles(
  options: SpeedBenchOptions,
  stateDir: string,
  progress: (line: string) => void,
): Promise<CycleFigures> {
  progress(`seeding a state with ${options.lessons} lessons and ${options.episodes} episodes`);
  await seedBenchState(stateDir, options.modelPath, { lessons: options.lessons, episodes: options.episodes });
  const workerBrain = new WorkerBrain(options.logger);
  return measureCycles({
    stateDir,
    brain: workerBrain,
    cycles: options.cycles,
    logger: options.logger,
    onProgress: progress,
  }).finally(() => workerBrain.close());
}

/**
 * The token cost of one standard cycle on `options.tokensModelPath` (default: the bench's model), run through the
 * daemon's brain like the seeded cycles, before anything here loads the model.
 */
async function measureStandardCycle(
  options: SpeedBenchOptions,
  stateDir: string,
  progress: (line: string) => void,
): Promise<TokenCostFigures | null> {
  const modelPath = options.tokensModelPath ?? options.modelPath;
  progress(`token cost of a standard cycle on ${modelPath}`);
  const workerBrain = new WorkerBrain(options.logger);
  const tokens = await measureTokenCost({ stateDir, modelPath, brain: workerBrain, logger: options.logger }).finally(
    () => workerBrain.close(),
  );
  progress(
    tokens === null
      ? "token cost: the model decided no step"
      : `token cost: prompt ${tokens.prompt}, evaluated ${tokens.evaluated}, reused ${tokens.reused}, generated ${tokens.generated} over ${tokens.steps.length} step(s); counting the parts took ${tokens.countingMs.total} ms`,
  );
  return tokens;
}

/**
 * The prefix cache's figures over `options.prefixCacheCycles` standard cycles on `options.prefixCacheModelPath`
 * (default: the bench's model), through the daemon's brain, before anything here loads the model.
 */
async function measurePrefixCacheCycles(
  options: SpeedBenchOptions,
  stateDir: string,
  progress: (line: string) => void,
): Promise<PrefixCacheFigures | null> {
  const cycles = options.prefixCacheCycles ?? 8;
  if (cycles === 0) return null;
  const modelPath = options.prefixCacheModelPath ?? options.modelPath;
  progress(`prefix cache: ${cycles} standard cycles on ${modelPath}`);
  const workerBrain = new WorkerBrain(options.logger);
  const figures = await measurePrefixCache({
    stateDir,
    modelPath,
    brain: workerBrain,
    cycles,
    logger: options.logger,
  }).finally(() => workerBrain.close());
  progress(
    `prefix cache: first step evaluated ${figures.firstCycleEvaluated} tokens cold, ${figures.repeatCycleEvaluatedMedian} (median) after; ratio ${figures.ratio}; state file ${figures.stateFileBytes} bytes, load ${figures.loadMs} ms vs ${figures.prefixEvalMs} ms to evaluate the prefix`,
  );
  return figures;
}

/** Times lesson recall at each of `options.recallSizes`, reporting each size's figures as it is done. */
function measureRecallSizes(options: SpeedBenchOptions, progress: (line: string) => void): RecallFigures[] {
  const recall: RecallFigures[] = [];
  for (const size of options.recallSizes) {
    const figures = measureRecall(size, { queries: options.recallQueries, budgetMs: 20_000 });
    recall.push(figures);
    progress(
      `recall over ${size} lessons: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms (${figures.samples} calls; first ${figures.coldMs} ms)`,
    );
  }
  return recall;
}

/** The machine the bench ran on: cores, CPU model, RAM and Node version, so reports from two boards can be told apart. */
function describeMachine(): SpeedReport["machine"] {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    arch: os.arch(),
    platform: os.platform(),
    totalRamMB: Math.round(os.totalmem() / 1048576),
    node: process.version,
  };
}

/** Sums the prompt-reuse figures over the measured steps (those after a cycle's first that followed no dropped step). */
function sumPromptReuse(cycles: CycleFigures): SpeedReport["promptReuse"] {
  return {
    steps: cycles.reuseSteps.length,
    laterSteps: cycles.laterSteps,
    evaluatedTokens: cycles.reuseSteps.reduce((sum, step) => sum + step.evaluatedPromptTokens, 0),
    newTokens: cycles.reuseSteps.reduce((sum, step) => sum + step.newTokens, 0),
  };
}
