// What the prefix state cache saves: standard cycles on one state, the first on a cold cache, the rest loading what the cycle before saved; evaluated prompt tokens at each cycle's first step, where the cache acts, and the state file's load time against the prefix's evaluation time.
import type { Brain, DecisionUsage, PrefixCacheUse } from "../brain/brain.js";
import type { Logger } from "../log.js";
import { median, round } from "./bench-stats.js";
import { runStandardCycles } from "./standard-cycles.js";

/** Prompt tokens and those evaluated: at a cycle's first step, or summed over its steps. */
export interface EvaluatedTokens {
  prompt: number;
  evaluated: number;
}

/** `bench speed`'s `prefixCache`. */
export interface PrefixCacheFigures {
  /** The model file the cycles ran on. */
  model: string;
  cycles: number;
  /** Prompt tokens evaluated at the first cycle's first step (cold cache: the whole prompt). */
  firstCycleEvaluated: number;
  /** Median over the later cycles of the prompt tokens evaluated at their first step. */
  repeatCycleEvaluatedMedian: number;
  /**
   * Median, over the later cycles whose charter, tools, skills and lessons did not change (`stableChanged` false), of
   * their first step's evaluated ÷ prompt tokens; the goal is at most 0.25. `null` when every later cycle changed them.
   */
  ratio: number | null;
  /** The same median over every later cycle, those that learned a lesson included. */
  ratioAllCycles: number;
  /** Tokens of the cached prefix (chat template's head, charter, tools, skills, lessons, goals, journal) at the last cycle. */
  prefixTokens: number;
  /** Bytes of the state file the last cycle loaded or wrote. */
  stateFileBytes: number;
  /** State files written over the run: one per prefix change (a lesson learned changes it too). */
  stateFileWrites: number;
  /** Median time to verify (sha256) and load the state file at a later cycle. */
  loadMs: number;
  /** Median time to evaluate the prefix at the cycles that wrote it, which the load replaces. */
  prefixEvalMs: number;
  /** Each cycle's first step and its whole (all steps summed), in order. */
  perCycle: Array<{
    firstStep: EvaluatedTokens;
    wholeCycle: EvaluatedTokens;
    /** Whether the charter, tools, skills or lessons differ from the cycle before's (by their sections' token counts). */
    stableChanged: boolean;
    outcome?: string;
    prefixTokens?: number;
    loadedTokens?: number;
  }>;
}

/**
 * Runs `cycles` standard cycles ({@link runStandardCycles}; the cache is on by default) on `modelPath` through
 * `brain`, the first on a cold cache. Throws when a cycle's first step reports no use of the cache, which would make the
 * figures meaningless.
 */
export async function measurePrefixCache(options: {
  stateDir: string;
  modelPath: string;
  brain: Brain;
  cycles: number;
  logger: Logger;
}): Promise<PrefixCacheFigures> {
  const cycles = await runStandardCycles(options);
  return summarisePrefixCache(
    options.modelPath,
    cycles.map((cycle) => cycle.decisions),
  );
}

/** The figures from each cycle's decisions (their usage, in order); exported for its test. */
export function summarisePrefixCache(model: string, cycles: DecisionUsage[][]): PrefixCacheFigures {
  const firsts = cycles.map((decisions) => decisions[0]);
  const [first, ...repeats] = firsts;
  if (first?.prefixCache === undefined || repeats.some((usage) => usage?.prefixCache === undefined))
    throw new Error("a cycle's first step did not use the prefix cache");
  const later = repeats as DecisionUsage[];
  const changed = firsts.map((usage, index) => index > 0 && stableSizes(usage) !== stableSizes(firsts[index - 1]));
  const unchanged = later.filter((_, index) => changed[index + 1] === false);
  const share = (usage: DecisionUsage) => usage.evaluatedPromptTokens / usage.promptTokens;
  const uses = firsts.map((usage) => usage?.prefixCache);
  const last = uses.at(-1);
  const times = (pick: (use: PrefixCacheUse) => number | undefined) =>
    round(
      median(uses.flatMap((use) => (use !== undefined && pick(use) !== undefined ? [pick(use) as number] : []))),
      1,
    );
  return {
    model,
    cycles: cycles.length,
    firstCycleEvaluated: first.evaluatedPromptTokens,
    repeatCycleEvaluatedMedian: median(later.map((usage) => usage.evaluatedPromptTokens)),
    ratio: unchanged.length > 0 ? round(median(unchanged.map(share)), 3) : null,
    ratioAllCycles: round(median(later.map(share)), 3),
    prefixTokens: last?.prefixTokens ?? 0,
    stateFileBytes: last?.stateFileBytes ?? 0,
    stateFileWrites: uses.filter((use) => use?.outcome === "written" || use?.outcome === "extended").length,
    loadMs: times((use) => use.loadMs),
    prefixEvalMs: times((use) => use.prefixEvalMs),
    perCycle: cycles.map((decisions, index) => ({
      firstStep: {
        prompt: decisions[0]?.promptTokens ?? 0,
        evaluated: decisions[0]?.evaluatedPromptTokens ?? 0,
      },
      wholeCycle: {
        prompt: decisions.reduce((sum, usage) => sum + usage.promptTokens, 0),
        evaluated: decisions.reduce((sum, usage) => sum + usage.evaluatedPromptTokens, 0),
      },
      stableChanged: changed[index] === true,
      ...(decisions[0]?.prefixCache !== undefined
        ? {
            outcome: decisions[0].prefixCache.outcome,
            prefixTokens: decisions[0].prefixCache.prefixTokens,
            ...(decisions[0].prefixCache.loadedTokens !== undefined
              ? { loadedTokens: decisions[0].prefixCache.loadedTokens }
              : {}),
          }
        : {}),
    })),
  };
}

/** The token counts of a first step's charter, tools, skills and lessons sections, as one comparable string. */
function stableSizes(usage: DecisionUsage | undefined): string {
  const ids = new Set(["charter", "tools", "skills", "lessons", "quoted-lessons"]);
  const sections = usage?.promptParts?.sections ?? [];
  return sections
    .filter((section) => ids.has(section.id))
    .map((section) => `${section.id}:${section.tokens}`)
    .join(",");
}
