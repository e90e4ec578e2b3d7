// Runs real cycles (runCycle, real tools, real files) on a seeded state and splits each cycle's wall time into model time and harness overhead; also reads prompt reuse off the decisions.
import { rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Brain, DecisionUsage } from "../brain/brain.js";
import { runCycle } from "../cycle/run-cycle.js";
import { buildCycleDeps } from "../daemon/cycle-deps.js";
import { openState } from "../daemon/open-state.js";
import type { Logger } from "../log.js";
import { writeDb } from "../memory/db.js";
import { median, round } from "./bench-stats.js";
import { BENCH_GOALS } from "./seed-bench-state.js";
import { TimedBrain } from "./timed-brain.js";

/** One measured cycle. */
export interface CycleTiming {
  status: string;
  steps: number;
  wallMs: number;
  /** Inside the brain: estimate, load, decide, generate, dispose. */
  modelMs: number;
  /** `wallMs − modelMs`: everything Apprentice does around the model. */
  overheadMs: number;
  /** Lessons and skills the cycle changed (its record's `learned`): such a cycle also renders lessons.md and commits more. */
  learned: number;
}

/** Input tokens of one step after the first of a cycle, against what was new in it. */
export interface StepReuse {
  promptTokens: number;
  evaluatedPromptTokens: number;
  /** This step's prompt tokens − the previous step's prompt tokens − the previous step's generated tokens. */
  newTokens: number;
}

export interface CycleFigures {
  cycles: CycleTiming[];
  harnessOverheadMsMedian: number;
  harnessOverheadMsMax: number;
  /** Medians of the cycles that changed no lesson or skill and of those that did (null when there was none). */
  harnessOverheadMsMedianBy: { unchangedMemory: number | null; changedMemory: number | null };
  /** Σ evaluated input tokens ÷ Σ new tokens over every step after a cycle's first; 1 means only new tokens were evaluated. */
  promptReuseRatio: number;
  reuseSteps: StepReuse[];
  /** Steps after a cycle's first, measured or not: those after a dropped earlier step are left out of the ratio. */
  laterSteps: number;
  /** Sizes of the state's big files after the run, in bytes. */
  files: { dbBytes: number; lessonsMdBytes: number; episodesBytes: number };
}

/** Runs `cycles` cycles on the state at `stateDir` through `brain`, timed by a {@link TimedBrain}. */
export async function measureCycles(options: {
  stateDir: string;
  brain: Brain;
  cycles: number;
  logger: Logger;
  onProgress?: (line: string) => void;
}): Promise<CycleFigures> {
  const timed = new TimedBrain(options.brain);
  const clock = (): Date => new Date();
  const state = await openState(options.stateDir, { logger: options.logger, clock });
  const timings: CycleTiming[] = [];
  const reuseSteps: StepReuse[] = [];
  let laterSteps = 0;
  try {
    for (let index = 0; index < options.cycles; index++) {
      await makeGoalDue(state.paths.workspace, state.db.data.goals);
      await writeDb(state.db);
      timed.reset();
      const startedAt = performance.now();
      const result = await runCycle(buildCycleDeps(state, { brain: timed, logger: options.logger, clock }));
      const wallMs = performance.now() - startedAt;
      const { modelMs, decisions } = timed.reset();
      const steps = result.status === "ran" ? result.steps : decisions.length;
      const learned = state.db.data.cycles.at(-1)?.learned ?? 0;
      timings.push({
        status: result.status,
        steps,
        wallMs: round(wallMs),
        modelMs: round(modelMs),
        overheadMs: round(wallMs - modelMs),
        learned,
      });
      reuseSteps.push(...stepReuse(decisions));
      laterSteps += Math.max(0, decisions.length - 1);
      options.onProgress?.(
        `cycle ${index + 1}/${options.cycles}: ${result.status}, ${steps} steps, ${Math.round(wallMs)} ms wall, ${Math.round(modelMs)} ms model, ${Math.round(wallMs - modelMs)} ms harness${learned > 0 ? `, ${learned} memory change(s)` : ""}`,
      );
    }
  } finally {
    await state.close();
  }
  const evaluated = reuseSteps.reduce((sum, step) => sum + step.evaluatedPromptTokens, 0);
  const fresh = reuseSteps.reduce((sum, step) => sum + step.newTokens, 0);
  const size = async (file: string): Promise<number> => (await stat(file).catch(() => undefined))?.size ?? 0;
  return {
    cycles: timings,
    harnessOverheadMsMedian: round(median(timings.map((timing) => timing.overheadMs))),
    harnessOverheadMsMax: round(Math.max(...timings.map((timing) => timing.overheadMs))),
    harnessOverheadMsMedianBy: {
      unchangedMemory: medianOf(timings.filter((timing) => timing.learned === 0)),
      changedMemory: medianOf(timings.filter((timing) => timing.learned > 0)),
    },
    promptReuseRatio: fresh > 0 ? round(evaluated / fresh, 2) : Number.NaN,
    reuseSteps,
    laterSteps,
    files: {
      dbBytes: await size(state.paths.db),
      lessonsMdBytes: await size(state.paths.lessons),
      episodesBytes: await size(state.paths.episodes),
    },
  };
}

function medianOf(timings: readonly CycleTiming[]): number | null {
  return timings.length === 0 ? null : round(median(timings.map((timing) => timing.overheadMs)));
}

/**
 * Prompt reuse within one cycle: for each step after the first whose earlier steps were all kept, the tokens it
 * evaluated against the tokens that were new (its prompt minus the previous prompt and the previous reply).
 * node-llama-cpp's token meter counts the prompt's last token (the one whose logits are sampled) as output, and the
 * reply's last token is sampled but never evaluated; the two offsets cancel, so a step that reuses the previous
 * prompt and reply in full shows evaluated = new exactly (seen on the test model), and anything above is re-evaluation.
 */
export function stepReuse(decisions: readonly DecisionUsage[]): StepReuse[] {
  const found: StepReuse[] = [];
  for (let index = 1; index < decisions.length; index++) {
    const previous = decisions[index - 1] as DecisionUsage;
    const current = decisions[index] as DecisionUsage;
    // Dropping an earlier step changes the prefix on purpose; such a step says nothing about reuse.
    if (current.droppedSteps !== previous.droppedSteps) continue;
    const newTokens = current.promptTokens - previous.promptTokens - previous.generatedTokens;
    if (newTokens <= 0) continue;
    found.push({ promptTokens: current.promptTokens, evaluatedPromptTokens: current.evaluatedPromptTokens, newTokens });
  }
  return found;
}

/** The bench's goal must be due every cycle: its check file goes and its progress forgets any pass. */
async function makeGoalDue(
  workspace: string,
  goals: Record<string, { doneAt?: string; lastCheckPassed?: boolean }>,
): Promise<void> {
  await rm(path.join(workspace, "done.txt"), { force: true });
  const progress = goals[BENCH_GOALS[0] as string];
  if (progress !== undefined) {
    delete progress.doneAt;
    progress.lastCheckPassed = false;
  }
}
