// The token cost of a cycle, from its steps' decision usage, and its one journal line; a cycle whose model decided no step has no figures, never zeros.
import type { DecisionUsage } from "../brain/brain.js";
import type { StepRecord } from "../cycle/act-loop.js";
import type { CycleTokens } from "../memory/db-schema.js";

/**
 * The token cost of `steps`: the first model-decided step's prompt by part, and the prompt, evaluated, reused and
 * generated tokens of every step that carries the model's usage (a replayed or blocked step carries none), summed and
 * per step. `undefined` when no step does.
 */
export function summarizeCycleTokens(steps: readonly StepRecord[]): CycleTokens | undefined {
  const decided = steps.filter((step): step is StepRecord & { usage: DecisionUsage } => step.usage !== undefined);
  const first = decided[0];
  if (first === undefined) return undefined;
  const perStep = decided.map(({ step, usage }) => ({
    step,
    prompt: usage.promptTokens,
    evaluated: usage.evaluatedPromptTokens,
    reused: reusedTokens(usage),
    generated: usage.generatedTokens,
  }));
  const sum = (pick: (figures: (typeof perStep)[number]) => number): number =>
    perStep.reduce((total, figures) => total + pick(figures), 0);
  const cutSections = [...new Set(decided.flatMap(({ usage }) => usage.cutSections))];
  const contextSize = decided.find(({ usage }) => usage.contextSize !== undefined)?.usage.contextSize;
  return {
    prompt: first.usage.promptTokens,
    bySection: promptBySection(first.usage),
    evaluated: sum((figures) => figures.evaluated),
    reused: sum((figures) => figures.reused),
    generated: sum((figures) => figures.generated),
    ...(contextSize !== undefined ? { contextSize } : {}),
    cutSections,
    steps: perStep,
  };
}

/**
 * Prompt tokens the step did not evaluate (the KV cache held them). The token meter counts the prompt's last token as
 * output, so a step can show one more evaluated token than it had new ones; reuse never goes below zero.
 */
export function reusedTokens(usage: DecisionUsage): number {
  return Math.max(0, usage.promptTokens - usage.evaluatedPromptTokens);
}

/**
 * A step's prompt tokens by part: its sections by id, then `turns`, `request` and `frame` (a section of one of those
 * ids adds to that entry, so the entries still add up to the prompt). Without the parts (a brain that does not count
 * them), the whole prompt as `prompt`.
 */
function promptBySection(usage: DecisionUsage): Record<string, number> {
  const parts = usage.promptParts;
  if (parts === undefined) return { prompt: usage.promptTokens };
  const bySection: Record<string, number> = {};
  const add = (id: string, tokens: number): void => {
    bySection[id] = (bySection[id] ?? 0) + tokens;
  };
  for (const section of parts.sections) add(section.id, section.tokens);
  add("turns", parts.turns);
  add("request", parts.request);
  add("frame", parts.frame);
  return bySection;
}

/**
 * The journal's one line for a cycle's tokens, e.g. `prompt 1834 (charter 412 · tools 230 · …) · evaluated 1902 ·
 * reused 3210 · generated 241 · context 4096 · cut: journal`; for a cycle without figures, says the model decided no
 * step. Zero-token parts are left out of the parentheses.
 */
export function describeCycleTokens(tokens: CycleTokens | undefined): string {
  if (tokens === undefined) return "none: the model decided no step";
  const parts = Object.entries(tokens.bySection)
    .filter(([, count]) => count !== 0)
    .map(([id, count]) => `${id} ${count}`)
    .join(" · ");
  return [
    `prompt ${tokens.prompt}${parts !== "" ? ` (${parts})` : ""}`,
    `evaluated ${tokens.evaluated}`,
    `reused ${tokens.reused}`,
    `generated ${tokens.generated}`,
    `${tokens.steps.length} step${tokens.steps.length === 1 ? "" : "s"}`,
    ...(tokens.contextSize !== undefined ? [`context ${tokens.contextSize}`] : []),
    ...(tokens.cutSections.length > 0 ? [`cut: ${tokens.cutSections.join(", ")}`] : []),
  ].join(" · ");
}
