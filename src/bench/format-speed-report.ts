// The human form of a `bench speed` report: one aligned table per measurement, figures rounded, what each means in a few words.
import { formatTokenCost } from "./format-token-cost.js";

import { formatPrefixCache } from "./format-prefix-cache.js";
import type { SpeedReport } from "./run-speed-bench.js";

/** Renders the report as readable text (what `bench speed` prints without --json). */
export function formatSpeedReport(report: SpeedReport): string {
  const { machine } = report;
  const lines: string[] = [
    `Machine: ${machine.cpus} × ${machine.cpuModel} (${machine.arch}), ${machine.totalRamMB} MB RAM, Node ${machine.node}`,
    `Model: ${report.model.path} (${(report.model.bytes / 1048576).toFixed(1)} MB), load ${report.loadMs} ms`,
    "",
    ...formatThroughput(report),
    "",
    ...formatCycles(report),
    "",
    ...formatRecall(report),
    "",
    `Prompt reuse: ${report.promptReuseRatio} × (input tokens evaluated per step ÷ new tokens of the step, over ${report.promptReuse.steps} of ${report.promptReuse.laterSteps} steps after a cycle's first; the others followed a dropped earlier step)`,
    "",
    ...formatTokenCost(report.tokens, report.piProjection),

    ...formatPrefixCache(report.prefixCache),
    ...formatRss(report),
    ...formatThreadSweep(report),
    `Total time: ${report.seconds} s`,
    "",
  ];
  return lines.join("\n");
}

/** The throughput section: brain vs raw completion (with and without the grammar), medians, and the ratios between them. */
function formatThroughput(report: SpeedReport): string[] {
  const { throughput } = report;
  return [
    `Throughput at ${throughput.threads} thread(s), context ${throughput.contextSize}, ${throughput.runs} paired runs (medians):`,
    ...table([
      ["", "prompt tok/s", "gen tok/s", "evaluated", "generated"],
      ...(
        [
          ["brain (decide)", throughput.brain],
          ["raw, same grammar", throughput.raw],
          ["raw, no grammar", throughput.rawNoGrammar],
        ] as const
      ).map(([label, side]) => [
        label,
        String(side.promptTokensPerSec),
        String(side.genTokensPerSec),
        String(side.evaluatedPromptTokens),
        String(side.generatedTokens),
      ]),
      ["ratio vs grammar", String(report.promptTokensPerSecRatio), String(report.genTokensPerSecRatio), "", ""],
      [
        "ratio vs no grammar",
        String(report.promptTokensPerSecRatioNoGrammar),
        String(report.genTokensPerSecRatioNoGrammar),
        "",
        "",
      ],
    ]),
  ];
}

/** The harness-overhead section: the medians, one row per cycle on the seeded state, and the seeded files' sizes. */
function formatCycles(report: SpeedReport): string[] {
  return [
    `Harness overhead per cycle (wall − model time) on ${report.seededState.lessons} lessons, ${report.seededState.episodes} episodes: median ${report.harnessOverheadMsMedian} ms, max ${report.harnessOverheadMsMax} ms`,
    `  median of the cycles that changed no lesson or skill ${msOrNone(report.harnessOverheadMsMedianBy.unchangedMemory)}, of those that did ${msOrNone(report.harnessOverheadMsMedianBy.changedMemory)}`,
    ...table([
      ["cycle", "status", "steps", "learned", "wall ms", "model ms", "harness ms"],
      ...report.cycles.map((cycle, index) => [
        String(index + 1),
        cycle.status,
        String(cycle.steps),
        String(cycle.learned),
        String(cycle.wallMs),
        String(cycle.modelMs),
        String(cycle.overheadMs),
      ]),
    ]),
    `  db.json ${kb(report.seededState.dbBytes)}, lessons.md ${kb(report.seededState.lessonsMdBytes)}, episodes.jsonl ${kb(report.seededState.episodesBytes)}`,
  ];
}

/** The recall section: latency percentiles per lesson count. */
function formatRecall(report: SpeedReport): string[] {
  return [
    "Recall latency (lesson recall of a cycle):",
    ...table([
      ["lessons", "p50 ms", "p95 ms", "first ms", "calls"],
      ...report.recall.map((figures) => [
        String(figures.lessons),
        String(figures.p50Ms),
        String(figures.p95Ms),
        String(figures.coldMs),
        String(figures.samples),
      ]),
    ]),
  ];
}

/** The daemon RSS section with its trailing blank line, or nothing when the daemon was skipped. */
function formatRss(report: SpeedReport): string[] {
  if (report.rss === null) return [];
  return [
    `Daemon RSS: idle ${report.rss.idleMB} MB, peak ${report.rss.peakMB} MB, after ${report.rss.afterMB} MB`,
    ...table([
      ["cycle", "before MB", "peak MB", "after MB"],
      ...report.rss.cycles.map((cycle, index) => [
        String(index + 1),
        String(cycle.beforeMB),
        String(cycle.peakMB),
        String(cycle.afterMB),
      ]),
    ]),
    "",
  ];
}

/** The thread-sweep section: generated tokens/s per thread count, the best count, and a blank line. */
function formatThreadSweep(report: SpeedReport): string[] {
  return [
    "Thread sweep (generated tokens/s through the brain):",
    ...table([
      ["threads", "gen tok/s"],
      ...report.threadSweep.map((entry) => [String(entry.threads), String(entry.genTokensPerSec)]),
    ]),
    `Best: ${report.bestThreads} thread(s)`,
    "",
  ];
}

function msOrNone(ms: number | null): string {
  return ms === null ? "(none)" : `${ms} ms`;
}

function kb(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map(
    (row) =>
      `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ")}`,
  );
}
