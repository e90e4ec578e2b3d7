import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeStateDir } from "../support/state-fixture.js";

test("bench speed --quick --json prints one object with every figure, sane values, and --tune writes the best thread count", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCli(
    [
      "bench",
      "speed",
      "--quick",
      "--json",
      "--tune",
      "--state",
      dir,
      "--lessons",
      "300",
      "--episodes",
      "2000",
      "--cycles",
      "2",
      "--runs",
      "2",
      "--daemon-cycles",
      "1",
    ],
    { APPRENTICE_LOG: "warn" },
  );
  assert.equal(run.code, 0, run.output);
  const report = JSON.parse(run.stdout.trim()) as Record<string, unknown> & {
    machine: { cpus: number };
    recallP95Ms: Record<string, number>;
    rss: { idleMB: number; peakMB: number; afterMB: number };
    threadSweep: Array<{ threads: number; genTokensPerSec: number }>;
    bestThreads: number;
    cycles: Array<{ wallMs: number; modelMs: number; overheadMs: number; learned: number }>;
    harnessOverheadMsMedianBy: { unchangedMemory: number | null; changedMemory: number | null };
  };
  assert.equal(run.stdout.trim().split("\n").length, 1, "one JSON line on stdout");
  assert.equal(report.machine.cpus, availableParallelism());
  for (const key of ["genTokensPerSecRatio", "promptTokensPerSecRatio", "genTokensPerSecRatioNoGrammar"]) {
    const ratio = report[key] as number;
    assert.ok(ratio > 0.1 && ratio < 10, `${key} = ${ratio}`);
  }
  assert.ok((report.loadMs as number) > 0);
  assert.ok((report.harnessOverheadMsMedian as number) > 0);
  for (const cycle of report.cycles)
    assert.ok(
      cycle.modelMs > 0 && cycle.wallMs >= cycle.modelMs && cycle.overheadMs > 0 && Number.isInteger(cycle.learned),
      JSON.stringify(cycle),
    );
  // Each split median is one of its cycles' figures (two cycles: the mean of two), or null when no cycle is of that kind.
  for (const [changed, median] of [
    [false, report.harnessOverheadMsMedianBy.unchangedMemory],
    [true, report.harnessOverheadMsMedianBy.changedMemory],
  ] as const) {
    const own = report.cycles.filter((cycle) => cycle.learned > 0 === changed).map((cycle) => cycle.overheadMs);
    if (own.length === 0) assert.equal(median, null);
    else
      assert.ok(
        median !== null && median >= Math.min(...own) && median <= Math.max(...own),
        `${median} within ${own.join(", ")}`,
      );
  }
  assert.deepEqual(Object.keys(report.recallP95Ms).sort(), ["100", "1000"]);
  for (const ms of Object.values(report.recallP95Ms)) assert.ok(ms >= 0 && ms < 5000);
  const reuse = report.promptReuseRatio as number;
  assert.ok(Number.isNaN(reuse) || reuse === null || (reuse > 0.5 && reuse < 20), `promptReuseRatio = ${reuse}`);
  assert.ok(
    report.rss.idleMB > 20 && report.rss.peakMB >= report.rss.idleMB && report.rss.afterMB > 20,
    JSON.stringify(report.rss),
  );
  assert.deepEqual(
    report.threadSweep.map((entry) => entry.threads),
    Array.from({ length: availableParallelism() }, (_, index) => index + 1),
  );
  for (const entry of report.threadSweep) assert.ok(entry.genTokensPerSec > 0, JSON.stringify(entry));
  const fastest = Math.max(...report.threadSweep.map((entry) => entry.genTokensPerSec));
  assert.equal(report.threadSweep.find((entry) => entry.threads === report.bestThreads)?.genTokensPerSec, fastest);

  assertTokenFigures(report.tokens as TokenFigures, report.piProjection as ProjectionFigures);

  // The prefix cache's standard cycles run on the Qwen2.5 stand-in; the later ones load the prefix the first saved.
  const cache = report.prefixCache as Record<string, number | string>;
  assert.match(String(cache.model), /stand-in-qwen2\.5/);
  for (const key of [
    "firstCycleEvaluated",
    "repeatCycleEvaluatedMedian",
    "ratioAllCycles",
    "stateFileBytes",
    "loadMs",
    "prefixEvalMs",
  ])
    assert.equal(typeof cache[key], "number", key);
  // Each later cycle loaded all or part of the prefix a cycle before saved and evaluated only the rest (its last token
  // counted with the reply).
  const { perCycle } = report.prefixCache as unknown as {
    perCycle: Array<{ firstStep: { prompt: number; evaluated: number }; outcome: string; loadedTokens?: number }>;
  };
  assert.equal(perCycle[0]?.outcome, "written");
  const loaded = perCycle.slice(1).filter((cycle) => cycle.outcome === "hit" || cycle.outcome === "extended");
  assert.equal(loaded.length, perCycle.length - 1, JSON.stringify(perCycle));
  for (const cycle of loaded)
    assert.equal(
      cycle.firstStep.evaluated,
      cycle.firstStep.prompt - (cycle.loadedTokens ?? 0) - 1,
      JSON.stringify(cycle),
    );
  assert.ok(Number(cache.ratioAllCycles) > 0 && Number(cache.ratioAllCycles) < 1, JSON.stringify(cache));
  assert.ok(cache.ratio === null || (Number(cache.ratio) > 0 && Number(cache.ratio) < 1), JSON.stringify(cache));
  assert.ok(Number(cache.stateFileBytes) > 0 && Number(cache.stateFileWrites) >= 1, JSON.stringify(cache));

  const config = JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")) as {
    model: { threads: number; maxTokensPerStep: number };
  };
  assert.equal(config.model.threads, report.bestThreads);
  // Everything else in the config is kept as it was written.
  assert.equal(config.model.maxTokensPerStep, 128);
});

test("bench speed --tune refuses a state without a usable config before measuring anything", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const run = await runCli(["bench", "speed", "--quick", "--tune", "--state", path.join(dir, "missing")], {
    APPRENTICE_LOG: "warn",
  });
  assert.equal(run.code, 2);
  assert.match(run.output, /--tune writes .*config\.json/);
});

interface TokenFigures {
  prompt: number;
  bySection: Record<string, number>;
  evaluated: number;
  reused: number;
  generated: number;
  contextSize: number;
  steps: Array<{ prompt: number; evaluated: number; reused: number; generated: number }>;
  countingMs: { total: number; maxStep: number };
  decideMs: number;
}

interface ProjectionFigures {
  projection: true;
  evaluated: number;
  generated: number;
  pi4: { projectedSecondsPerCycle: number };
  pi5: { projectedSecondsPerCycle: number };
}

/** The standard cycle's token record adds up, its counting cost is small beside its decisions, and the projection uses it. */
function assertTokenFigures(tokens: TokenFigures, projection: ProjectionFigures): void {
  assert.ok(tokens !== null && tokens.steps.length >= 1, JSON.stringify(tokens));
  const parts = Object.values(tokens.bySection).reduce((sum, count) => sum + count, 0);
  assert.equal(parts, tokens.prompt, JSON.stringify(tokens.bySection));
  assert.equal(
    tokens.evaluated + tokens.reused,
    tokens.steps.reduce((sum, step) => sum + step.prompt, 0),
  );
  assert.ok(tokens.contextSize > 0 && tokens.generated > 0);
  assert.ok(tokens.countingMs.total >= 0 && tokens.countingMs.total < tokens.decideMs, JSON.stringify(tokens));
  assert.equal(projection.projection, true);
  assert.deepEqual([projection.evaluated, projection.generated], [tokens.evaluated, tokens.generated]);
  assert.ok(projection.pi4.projectedSecondsPerCycle > projection.pi5.projectedSecondsPerCycle);
}
