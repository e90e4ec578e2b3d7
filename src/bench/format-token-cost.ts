// The human lines of `bench speed` for a standard cycle's token cost and its Pi projection, the projection labelled as one.
import { describeCycleTokens } from "../record/cycle-tokens.js";
import type { PiProjection, TokenCostFigures } from "./measure-token-cost.js";
import type { BoardProjection } from "./pi-rates.js";

/** The token-cost and projection lines, ending with a blank line. */
export function formatTokenCost(tokens: TokenCostFigures | null, projection: PiProjection | null): string[] {
  if (tokens === null) return ["Token cost of a standard cycle: none (the model decided no step)", ""];
  return [
    `Token cost of a standard cycle on ${tokens.model} (parts of the first step's prompt):`,
    `  ${describeCycleTokens(tokens)}`,
    `  per step: ${tokens.steps.map((step) => `${step.step}: prompt ${step.prompt}, evaluated ${step.evaluated}, reused ${step.reused}, generated ${step.generated}`).join("; ")}`,
    `  counting the parts: ${tokens.countingMs.total} ms over the cycle (at most ${tokens.countingMs.maxStep} ms a step), against ${tokens.decideMs} ms of decisions`,
    ...(projection !== null ? formatProjection(projection) : []),
    "",
  ];
}

function formatProjection(projection: PiProjection): string[] {
  return [
    `PROJECTION (not measured): model seconds per cycle for ${projection.evaluated} evaluated and ${projection.generated} generated tokens:`,
    `  ${describeBoard(projection.pi4)}`,
    `  ${describeBoard(projection.pi5)}`,
  ];
}

function describeBoard(board: BoardProjection): string {
  const { rates } = board;
  return `${rates.board}: projected ${board.projectedSecondsPerCycle} s (prompt ${board.projectedPromptSeconds} s at ${rates.promptTokensPerSec} tok/s + generation ${board.projectedGenerationSeconds} s at ${rates.generatedTokensPerSec} tok/s; ${rates.kind} rates for ${rates.model}: ${rates.basis})`;
}
