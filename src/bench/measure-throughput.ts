// Prompt and generation tokens/s through the brain's decide against node-llama-cpp's raw LlamaCompletion on the same model, prompt tokens, context, threads, grammar and sampling; and a thread sweep.
import { buildActionSchema, type OfferedTool } from "../brain/action-schema.js";
import type { BrainSession, Prompt, PromptSection } from "../brain/brain.js";
import { SYSTEM_BUDGET_SHARE, type LlamaBrain } from "../brain/llama-brain.js";
import { fitSections, renderSections } from "../brain/prompt-budget.js";
import type { RawCompletionRun } from "../brain/raw-completion.js";
import { buildRecallSections } from "../cycle/recall.js";
import { parseConfig } from "../config.js";
import { defaultTools } from "../tools/registry.js";
import type { JsonSchema } from "../tools/json-schema.js";
import { median, round } from "./bench-stats.js";

/** Unmeasured rounds before the paired runs. */
const WARMUP_RUNS = 3;

/** Rates of one side of the comparison: medians over the runs. */
export interface SideFigures {
  promptTokensPerSec: number;
  genTokensPerSec: number;
  /** Median input tokens evaluated and tokens generated per run. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
}

export interface ThroughputFigures {
  threads: number;
  contextSize: number;
  runs: number;
  maxTokens: number;
  /** Model load (open: weights and context), median over the opens, in ms. */
  loadMs: number;
  brain: SideFigures;
  /** LlamaCompletion under the identical grammar. */
  raw: SideFigures;
  /** LlamaCompletion without a grammar, for information. */
  rawNoGrammar: SideFigures;
  /** Median over the runs of (brain ÷ raw with grammar) generation tokens/s; runs are paired to cancel machine noise. */
  genTokensPerSecRatio: number;
  promptTokensPerSecRatio: number;
  /** The same against raw without a grammar: what grammar-constrained decoding costs in all, harness included. */
  genTokensPerSecRatioNoGrammar: number;
  promptTokensPerSecRatioNoGrammar: number;
}

export interface ThroughputOptions {
  brain: LlamaBrain;
  modelPath: string;
  threads: number;
  contextSize: number;
  runs: number;
  maxTokens: number;
  seed: number;
  temperature: number;
  onProgress?: (line: string) => void;
}

interface RunRates {
  promptTokensPerSec: number;
  genTokensPerSec: number;
  evaluatedPromptTokens: number;
  generatedTokens: number;
}

/**
 * Interleaves, run by run: the brain's decide on a fresh prompt, then raw LlamaCompletion on the very tokens the brain's
 * chat template made of it, with the same grammar, seed and a maxTokens equal to what the brain generated (so both
 * generate the same count even when the model stops early), then raw without a grammar. Each run's prompt differs at
 * its start, so every run evaluates its whole prompt.
 */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputFigures> {
  const { brain } = options;
  const loads: number[] = [];
  const openBrain = async (): Promise<BrainSession> => {
    const startedAt = performance.now();
    const opened = await brain.open({
      modelPath: options.modelPath,
      contextSize: options.contextSize,
      threads: options.threads,
      temperature: options.temperature,
      seed: options.seed,
      maxTokensPerStep: options.maxTokens,
    });
    if (!opened.ok) throw new Error(`bench speed: ${opened.reason}`);
    loads.push(performance.now() - startedAt);
    return opened.session;
  };
  // Load time on its own: open and dispose twice before the session the runs use.
  for (let index = 0; index < 2; index++) await (await openBrain()).dispose();
  const session = await openBrain();
  const raw = await brain.openRawCompletion({
    modelPath: options.modelPath,
    contextSize: options.contextSize,
    threads: options.threads,
  });
  const schema = benchActionSchema();
  const brainRuns: RunRates[] = [];
  const rawRuns: RunRates[] = [];
  const freeRuns: RunRates[] = [];
  try {
    // Unmeasured rounds warm both sides up (grammar compilation, first allocations), so the brain, which runs first in
    // each pair, does not pay for the rates' early rise (see docs/PERFORMANCE.md, "The throughput bench's warm-up").
    for (let run = -WARMUP_RUNS; run < options.runs; run++) {
      const prompt = benchPrompt(run, session.contextSize);
      const brainRun = await decideTimed(session, prompt, schema);
      // The system text exactly as the brain fits it to its budget, so both sides evaluate the same tokens.
      const budget = Math.floor((session.contextSize - options.maxTokens) * SYSTEM_BUDGET_SHARE);
      const system = renderSections(fitSections(prompt.sections, budget, (text) => session.countTokens(text)).sections);
      const tokens = raw.renderChat(system, prompt.request);
      const maxTokens = Math.max(1, brainRun.generatedTokens);
      const sampling = { maxTokens, temperature: options.temperature, seed: options.seed };
      const order = run % 2 === 0 ? (["grammar", "free"] as const) : (["free", "grammar"] as const);
      const rawRates: Partial<Record<"grammar" | "free", RunRates>> = {};
      for (const mode of order) {
        await raw.clearHistory();
        rawRates[mode] = rawRunRates(
          await raw.complete(tokens, mode === "grammar" ? { ...sampling, schema } : sampling),
        );
      }
      if (run < 0) continue;
      brainRuns.push(brainRun);
      rawRuns.push(rawRates.grammar as RunRates);
      freeRuns.push(rawRates.free as RunRates);
      options.onProgress?.(
        `throughput run ${run + 1}/${options.runs}: gen tok/s brain ${Math.round(brainRun.genTokensPerSec)}, raw ${Math.round(rawRates.grammar?.genTokensPerSec ?? 0)}, raw without grammar ${Math.round(rawRates.free?.genTokensPerSec ?? 0)}`,
      );
    }
  } finally {
    await session.dispose();
    await raw.dispose();
  }
  const pairedRatio = (others: RunRates[], key: keyof RunRates): number =>
    round(median(brainRuns.map((run, index) => run[key] / (others[index]?.[key] ?? Number.NaN))), 3);
  return {
    threads: options.threads,
    contextSize: session.contextSize,
    runs: options.runs,
    maxTokens: options.maxTokens,
    loadMs: round(median(loads)),
    brain: summarize(brainRuns),
    raw: summarize(rawRuns),
    rawNoGrammar: summarize(freeRuns),
    genTokensPerSecRatio: pairedRatio(rawRuns, "genTokensPerSec"),
    promptTokensPerSecRatio: pairedRatio(rawRuns, "promptTokensPerSec"),
    genTokensPerSecRatioNoGrammar: pairedRatio(freeRuns, "genTokensPerSec"),
    promptTokensPerSecRatioNoGrammar: pairedRatio(freeRuns, "promptTokensPerSec"),
  };
}

/** Generation tokens/s through the brain at each thread count from 1 to `maxThreads`; median of `runs` decisions each. */
export async function sweepThreads(
  options: Omit<ThroughputOptions, "threads"> & { maxThreads: number },
): Promise<Array<{ threads: number; genTokensPerSec: number }>> {
  const sweep: Array<{ threads: number; genTokensPerSec: number }> = [];
  const schema = benchActionSchema();
  for (let threads = 1; threads <= options.maxThreads; threads++) {
    const opened = await options.brain.open({
      modelPath: options.modelPath,
      contextSize: options.contextSize,
      threads,
      temperature: options.temperature,
      seed: options.seed,
      maxTokensPerStep: options.maxTokens,
    });
    if (!opened.ok) throw new Error(`bench speed: ${opened.reason}`);
    const rates: number[] = [];
    try {
      for (let run = -1; run < options.runs; run++) {
        const measured = await decideTimed(opened.session, benchPrompt(1000 + run, opened.session.contextSize), schema);
        if (run >= 0) rates.push(measured.genTokensPerSec);
      }
    } finally {
      await opened.session.dispose();
    }
    sweep.push({ threads, genTokensPerSec: round(median(rates)) });
    options.onProgress?.(`thread sweep: ${threads} thread(s): ${Math.round(median(rates))} generated tokens/s`);
  }
  return sweep;
}

/** The fastest thread count of a sweep (the fewest threads on a tie). */
export function pickBestThreads(sweep: ReadonlyArray<{ threads: number; genTokensPerSec: number }>): number {
  let best = sweep[0];
  for (const entry of sweep) if (best === undefined || entry.genTokensPerSec > best.genTokensPerSec) best = entry;
  return best?.threads ?? 1;
}

async function decideTimed(session: BrainSession, prompt: Prompt, schema: JsonSchema): Promise<RunRates> {
  const startedAt = performance.now();
  const decision = await session.decide(prompt, schema);
  const totalMs = performance.now() - startedAt;
  const usage = decision.usage;
  if (usage === undefined)
    throw new Error(
      `bench speed: the brain gave no usage figures (${decision.ok ? "ok" : `${decision.reason}: ${decision.detail}`})`,
    );
  return rates({
    evaluatedPromptTokens: usage.evaluatedPromptTokens,
    generatedTokens: usage.generatedTokens,
    ...(usage.firstTokenMs !== undefined ? { firstTokenMs: usage.firstTokenMs } : {}),
    totalMs,
  });
}

function rawRunRates(run: RawCompletionRun): RunRates {
  return rates(run);
}

/**
 * Prompt rate: evaluated input tokens over the time to the first token. Generation rate: the tokens after the first over
 * the rest of the call (for the brain this includes validating the output, which is part of its cost).
 */
function rates(run: {
  evaluatedPromptTokens: number;
  generatedTokens: number;
  firstTokenMs?: number;
  totalMs: number;
}): RunRates {
  const firstMs = run.firstTokenMs ?? run.totalMs;
  const genMs = run.totalMs - firstMs;
  return {
    promptTokensPerSec: firstMs > 0 ? (run.evaluatedPromptTokens / firstMs) * 1000 : Number.NaN,
    genTokensPerSec: genMs > 0 && run.generatedTokens > 1 ? ((run.generatedTokens - 1) / genMs) * 1000 : Number.NaN,
    evaluatedPromptTokens: run.evaluatedPromptTokens,
    generatedTokens: run.generatedTokens,
  };
}

function summarize(runs: readonly RunRates[]): SideFigures {
  return {
    promptTokensPerSec: round(median(runs.map((run) => run.promptTokensPerSec))),
    genTokensPerSec: round(median(runs.map((run) => run.genTokensPerSec))),
    evaluatedPromptTokens: median(runs.map((run) => run.evaluatedPromptTokens)),
    generatedTokens: median(runs.map((run) => run.generatedTokens)),
  };
}

/** The action schema of a typical first step: every default tool, with a small workspace and allowlist. */
export function benchActionSchema(): JsonSchema {
  const config = parseConfig({}, "(bench defaults)");
  const view = {
    allowCommands: config.tools.allowCommands,
    commandArgs: {},
    files: ["notes.txt", "data.csv"],
    dirs: ["."],
    limits: config.limits,
  };
  const offered: OfferedTool[] = [];
  for (const tool of defaultTools) {
    const args = tool.argsSchema(view);
    if (args !== undefined) offered.push({ name: tool.name, args });
  }
  return buildActionSchema(offered, { thoughtMaxChars: config.model.thoughtMaxChars });
}

/** A first-step prompt like a cycle's, with tools named but not described so little is cut; `run` changes its first line. */
export function benchPrompt(run: number, contextSize: number): Prompt {
  const sections: PromptSection[] = buildRecallSections({
    // A different weekday each run: the prompt differs from its first line, so each run evaluates all of it.
    now: new Date(Date.UTC(2026, 0, 5, 9, 0, 0) + run * 86_400_000),
    sensorsLine: `run ${run}: CPU 48.2°C, RAM 1900/3906 MB free, load 0.31`,
    charter:
      "You are Apprentice, a careful assistant on a small board. Keep the operator's files tidy. Never delete what you did not write.",
    dueGoals: [
      {
        id: "notes",
        title: "Keep notes.txt sorted and free of duplicate lines.",
        check: "sort -c notes.txt",
        priority: 0,
      },
    ],
    progress: {},
    inbox: [],
    recentJournal:
      contextSize >= 1024
        ? ['## Cycle 41 — 09:00 (ran)\n\n**Steps**\n\n1. ✓ `read_file` {"path":"notes.txt"} — milk']
        : [],
    toolLines: defaultTools.map((tool) => `- ${tool.name}`),
    lessons: "- [L3] (avoid, trusted, self) Avoid running cat on a missing file",
    skills: "",
  });
  return { sections, turns: [], request: "No actions yet this cycle.\n\nStep 1 of 4. Reply with one JSON action." };
}
