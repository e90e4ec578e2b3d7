// The reflect stage: outcomes become masks and flaky notes, each goal whose check passed gets its skill saved or updated from its own steps, citations move counts, consolidation runs on schedule.
import type { BrainSession } from "../brain/brain.js";
import { addLesson, applyCitations } from "../learning/citation-rules.js";
import { consolidateLessons } from "../learning/consolidate.js";
import { recordOutcomes } from "../learning/outcome-rules.js";
import { checkNamesPath } from "../learning/prune-skill-steps.js";
import { recordSkillReplay, recordSkillSuccess, recordSkillTrial } from "../learning/skill-rules.js";
import type { LearningData, LearningDelta } from "../learning/types.js";
import { toOneLine } from "../text/safe-text.js";
import { skillStepsOf, type ActLoopResult, type StepRecord } from "./act-loop.js";

export interface ReflectInput {
  learning: LearningData;
  loop: ActLoopResult;
  /** The final checks of the goals the cycle worked on (a goal met by its pre-check has none). */
  checks: Array<{ goal: string; passed: boolean }>;
  /** Each due goal's check command, by goal id: a saved skill's steps that changed only files it does not name are doubtful. */
  goalChecks?: Readonly<Record<string, string>>;
  cycle: number;
  now: Date;
  settings: { consolidateEveryCycles: number; maxLessons: number; maxCooldownCycles: number };
}

/** Applies every learning rule to this cycle's results (mutating `learning`) and returns the deltas, each with its reason. */
export function reflectOnCycle(input: ReflectInput): LearningDelta[] {
  const { learning, loop, cycle, now } = input;
  const ctx = { cycle, now };
  const deltas = recordOutcomes(learning, loop.outcomes, input.checks, {
    ...ctx,
    maxCooldownCycles: input.settings.maxCooldownCycles,
  });

  // A trial happened within its replay: its verdict comes first, then the replay's outcome.
  for (const trial of loop.skillTrials) deltas.push(...recordSkillTrial(learning, trial, ctx));
  for (const replay of loop.replays) deltas.push(...recordSkillReplay(learning, replay.skillId, replay.ok, ctx));
  for (const check of input.checks) {
    // A goal whose check passed gets a skill, unless a replay made for it met it: that replay's skill got the credit.
    if (!check.passed || loop.replays.some((replay) => replay.goal === check.goal && replay.ok)) continue;
    const explored = stepsForSkill(loop.steps, check.goal, input.goalChecks?.[check.goal]);
    const pruned = skillStepsOf(explored, input.goalChecks?.[check.goal]);
    if (pruned.steps.length > 0)
      deltas.push(...recordSkillSuccess(learning, check.goal, pruned, episodeIds(cycle, explored), ctx));
  }

  if (loop.cited.length > 0) {
    const success =
      input.checks.length > 0 ? input.checks.every((check) => check.passed) : loop.steps.every((step) => step.ok);
    deltas.push(...applyCitations(learning, loop.cited, success, ctx));
  }

  if (cycle - learning.lastConsolidationCycle >= input.settings.consolidateEveryCycles) {
    learning.lastConsolidationCycle = cycle;
    const result = consolidateLessons(learning, {
      ...ctx,
      maxLessons: input.settings.maxLessons,
      decayAfterCycles: 10 * input.settings.consolidateEveryCycles,
    });
    if (result.ok) deltas.push(...result.deltas);
    else deltas.push({ id: "consolidation", change: "refused", reason: result.reason });
  }
  return deltas;
}

/**
 * The steps a goal's skill is made from: those taken for the goal (its failed replay's good steps included), and those
 * taken for another goal that changed a file the goal's check names, in the order they ran. Another goal's turn may
 * have met this one (its command wrote the checked file); the skill must hold that step, or it would replay only what
 * the goal's own turn did, which did not meet it. Another goal's steps that changed nothing it names stay out.
 */
function stepsForSkill(steps: readonly StepRecord[], goal: string, check: string | undefined): StepRecord[] {
  return steps.filter(
    (step) =>
      step.goal === goal ||
      (check !== undefined && step.ok && (step.changedPaths ?? []).some((changed) => checkNamesPath(check, changed))),
  );
}

/**
 * Asks the model for a one-line lesson about the cycle's first failed action and stores it provisional and
 * self-sourced, scoped to the goal that step was taken for (else to `goalId`); tainted when any step up to it read world content, or when the cycle's prompt held world content
 * (`worldInPrompt`: inbox messages, which a model may obey as well as a file it read). Returns the delta, or undefined
 * when there was nothing to reflect on or the model gave nothing usable.
 */
export async function reflectOnFailure(input: {
  session: BrainSession;
  learning: LearningData;
  steps: readonly StepRecord[];
  goalId?: string;
  /** The prompt held world content no tool read (inbox messages). Defaults to `false`. */
  worldInPrompt?: boolean;
  cycle: number;
  now: Date;
  signal: AbortSignal;
}): Promise<LearningDelta | undefined> {
  const index = input.steps.findIndex(
    (step) => !step.ok && !step.invalidOutput && !step.blocked && step.action !== undefined,
  );
  const failed = input.steps[index];
  if (failed === undefined) return undefined;
  const goal = failed.goal ?? input.goalId;
  const readWorld = input.steps.slice(0, index + 1).some((step) => step.fromWorld === true);
  const tainted = readWorld || input.worldInPrompt === true;
  const answer = await input.session.generateJson(
    {
      sections: [],
      turns: [],
      // The error is the tool's own one-line reason (a command's stderr is not in it); names in it stay on that line.
      request: `The action ${failed.tool} ${toOneLine(JSON.stringify(failed.args), 200)} failed: ${toOneLine(failed.error ?? "unknown", 300)}.\nWrite one short lesson for next time, as {"lesson": "..."}.`,
    },
    {
      type: "object",
      properties: { lesson: { type: "string", maxLength: 160 } },
      required: ["lesson"],
      additionalProperties: false,
    },
    input.signal,
  );
  if (!answer.ok) return undefined;
  const text = String((answer.value as { lesson?: unknown }).lesson ?? "").trim();
  if (text.length === 0) return undefined;
  const { delta } = addLesson(
    input.learning,
    {
      text,
      kind: "avoid",
      scope: {
        ...(goal !== undefined ? { goal } : {}),
        tool: failed.tool,
        keywords: (failed.signature ?? "")
          .split(/\W+/)
          .filter((word) => word.length > 2)
          .slice(0, 8),
      },
      source: "self",
      tainted,
      status: "provisional",
      evidence: [`c${input.cycle}s${failed.step}`],
      reason: `reflection on the failed step c${input.cycle}s${failed.step}${readWorld ? " (tainted: the cycle read world content)" : tainted ? " (tainted: the cycle's prompt held inbox messages)" : ""}`,
    },
    { cycle: input.cycle, now: input.now },
  );
  return delta;
}

function episodeIds(cycle: number, steps: readonly StepRecord[]): string[] {
  return steps.filter((step) => step.ok).map((step) => `c${cycle}s${step.step}`);
}
