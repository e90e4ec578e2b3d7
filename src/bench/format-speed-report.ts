// The human form of a `bench speed` report: one aligned table per measurement, figures rounded, what each means in a few words.
import type { SpeedReport } from "./run-speed-bench.js";

/** Renders the report as readable text (what `bench speed` prints without --json). */
export function formatSpeedReport(report: SpeedReport): string {
  const { machine, throughput } = report;
  const lines: string[] = [
    `Machine: ${machine.cpus} × ${machine.cpuModel} (${machine.arch}), ${machine.totalRamMB} MB RAM, Node ${machine.node}`,
    `Model: ${report.model.path} (${(report.model.bytes / 1048576).toFixed(1)} MB), load ${report.loadMs} ms`,
    "",
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
    "",
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
    "",
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
    "",
    `Prompt reuse: ${report.promptReuseRatio} × (input tokens evaluated per step ÷ new tokens of the step, over ${report.promptReuse.steps} of ${report.promptReuse.laterSteps} steps after a cycle's first; the others followed a dropped earlier step)`,
    "",
  ];
  if (report.rss !== null) {
    lines.push(
      `Daemon RSS: idle ${report.rss.idleMB} MB, peak ${report.rss.peakMB} MB, after ${report.rss.afterMB} MB`,
    );
    lines.push(
      ...table([
        ["cycle", "before MB", "peak MB", "after MB"],
        ...report.rss.cycles.map((cycle, index) => [
          String(index + 1),
          String(cycle.beforeMB),
          String(cycle.peakMB),
          String(cycle.afterMB),
        ]),
      ]),
    );
    lines.push("");
  }
  lines.push("Thread sweep (generated tokens/s through the brain):");
  lines.push(
    ...table([
      ["threads", "gen tok/s"],
      ...report.threadSweep.map((entry) => [String(entry.threads), String(entry.genTokensPerSec)]),
    ]),
  );
  lines.push(`Best: ${report.bestThreads} thread(s)`, "", `Total time: ${report.seconds} s`, "");
  return lines.join("\n");
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
