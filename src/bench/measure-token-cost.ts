// The token cost of one standard cycle (a fresh `init` state, its example goal and one inbox message) on a given model, what counting the prompt's parts cost, and its projection onto a Pi 4 and a Pi 5.
import type { Brain } from "../brain/brain.js";
import type { Logger } from "../log.js";
import type { CycleTokens } from "../memory/db-schema.js";
import { round } from "./bench-stats.js";
import { runStandardCycles } from "./standard-cycles.js";
import { PI_RATES, projectCycle, type BoardProjection } from "./pi-rates.js";

/** `bench speed`'s `tokens`: the standard cycle's record (see `CycleTokens`), on which model, and the split's cost. */
export interface TokenCostFigures extends CycleTokens {
  /** The model file the cycle ran on. */
  model: string;
  /** Milliseconds spent counting the prompt's parts: over the cycle's steps, and the most one step took. */
  countingMs: { total: number; maxStep: number };
  /** Milliseconds inside the model's decisions over the cycle, for scale. */
  decideMs: number;
}

/**
 * Seconds per cycle on a Pi 4 and a Pi 5, PROJECTED from the standard cycle's evaluated and generated tokens and
 * published llama.cpp rates (see pi-rates.ts); not measured on either board.
 */
export interface PiProjection {
  projection: true;
  note: string;
  evaluated: number;
  generated: number;
  pi4: BoardProjection;
  pi5: BoardProjection;
}

/**
 * Runs one standard cycle ({@link runStandardCycles}: the shipped templates, seed 7, one inbox message) on `modelPath`
 * through `brain`. Returns its token record,
 * or `null` (with a warning saying how the cycle ended) when the model decided no step: the standard cycle's unmet
 * goal rules that out unless the cycle failed before the model ran.
 */
export async function measureTokenCost(options: {
  stateDir: string;
  modelPath: string;
  brain: Brain;
  logger: Logger;
}): Promise<TokenCostFigures | null> {
  const [cycle] = await runStandardCycles({ ...options, cycles: 1 });
  if (cycle === undefined) throw new Error("the standard cycle did not run");
  const { result, tokens, decisions } = cycle;
  if (tokens === undefined || tokens === null) {
    const why = result.status === "ran" ? "" : `: ${result.status === "skipped" ? result.detail : result.reason}`;
    options.logger.warn(`bench speed: the standard cycle ${result.status} without a model-decided step${why}`);
    return null;
  }
  const counting = decisions.map((usage) => usage.promptPartsMs ?? 0);
  return {
    ...tokens,
    model: options.modelPath,
    countingMs: { total: round(sum(counting), 2), maxStep: round(Math.max(0, ...counting), 2) },
    decideMs: round(sum(decisions.map((usage) => usage.durationMs))),
  };
}

export function projectOntoPis(tokens: Pick<CycleTokens, "evaluated" | "generated">): PiProjection {
  return {
    projection: true,
    note: "PROJECTION from published llama.cpp rates for a 0.5B Q4 model (the Pi 4's scaled from the Pi 5's), not a measurement; model time only",
    evaluated: tokens.evaluated,
    generated: tokens.generated,
    pi4: projectCycle(tokens, PI_RATES.pi4),
    pi5: projectCycle(tokens, PI_RATES.pi5),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
