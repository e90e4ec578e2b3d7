// Skills: the steps of a cycle whose check passed become or update the goal's one active skill; a leaner trial drops or keeps a doubtful step; skills that keep failing on replay are retired.
import { MAX_EVIDENCE_IDS, MAX_HISTORY_ENTRIES } from "./citation-rules.js";
import type { ChangeContext } from "./citation-rules.js";
import { describeStep, type PrunedSkillSteps } from "./prune-skill-steps.js";
import type { LearningData, LearningDelta, Skill, SkillTrial } from "./types.js";

/** Failed replays (and more failures than successes) that retire a skill. */
export const RETIRE_SKILL_AFTER_FAILURES = 3;

/**
 * Records that `pruned` (or plain steps: none doubtful) met `goal`'s check: creates the goal's skill (`S<n>`) or
 * updates its active one (`successes += 1`; the steps and their doubtful marks are replaced when the new steps are
 * fewer). The history line says what pruning dropped and which steps are doubtful. Empty steps are ignored.
 */
export function recordSkillSuccess(
  data: LearningData,
  goal: string,
  pruned: PrunedSkillSteps | Skill["steps"],
  evidence: string[],
  ctx: ChangeContext,
): LearningDelta[] {
  const { steps, doubtful, summary } = Array.isArray(pruned) ? { steps: pruned, doubtful: [], summary: "" } : pruned;
  if (steps.length === 0) return [];
  const pruning = summary.length > 0 ? `; ${summary}` : "";
  const skill = data.skills.find((candidate) => candidate.goal === goal && candidate.status === "active");
  if (!skill) {
    const id = `S${data.nextSkillId}`;
    data.nextSkillId += 1;
    const reason = `goal ${goal}'s check passed after ${steps.length} step(s)${pruning}`;
    data.skills.push({
      id,
      goal,
      steps: copySteps(steps),
      successes: 1,
      failures: 0,
      status: "active",
      createdAt: ctx.now.toISOString(),
      createdCycle: ctx.cycle,
      lastUsedCycle: ctx.cycle,
      evidence: capFront([...new Set(evidence)], MAX_EVIDENCE_IDS),
      ...(doubtful.length > 0 ? { doubtful: [...doubtful] } : {}),
      history: [{ cycle: ctx.cycle, at: ctx.now.toISOString(), change: "created", reason }],
    });
    return [{ id, change: "created", reason }];
  }
  skill.successes += 1;
  skill.lastUsedCycle = ctx.cycle;
  const shorter = steps.length < skill.steps.length;
  const reason = shorter
    ? `goal ${goal}'s check passed after ${steps.length} step(s), fewer than its ${skill.steps.length}: steps replaced${pruning}`
    : `goal ${goal}'s check passed again (successes ${skill.successes}, failures ${skill.failures})`;
  if (shorter) {
    skill.steps = copySteps(steps);
    skill.evidence = [];
    if (doubtful.length > 0) skill.doubtful = [...doubtful];
    else delete skill.doubtful;
  }
  skill.evidence = capFront([...new Set([...skill.evidence, ...evidence])], MAX_EVIDENCE_IDS);
  const change = shorter ? "steps-shortened" : "succeeded";
  recordSkillChange(skill, change, reason, ctx);
  return [{ id: skill.id, change, reason }];
}

/** Records one replay of an active skill (unknown or retired ids ignored); retires it after 3 failures that outnumber its successes. */
export function recordSkillReplay(
  data: LearningData,
  skillId: string,
  ok: boolean,
  ctx: ChangeContext,
): LearningDelta[] {
  const skill = data.skills.find((candidate) => candidate.id === skillId);
  if (!skill || skill.status !== "active") return [];
  if (ok) skill.successes += 1;
  else skill.failures += 1;
  skill.lastUsedCycle = ctx.cycle;
  const change = ok ? "replay-succeeded" : "replay-failed";
  const counts = `successes ${skill.successes}, failures ${skill.failures}`;
  const reason = `replay ${ok ? "met" : "did not meet"} goal ${skill.goal}'s check (${counts})`;
  recordSkillChange(skill, change, reason, ctx);
  const deltas: LearningDelta[] = [{ id: skill.id, change, reason }];
  if (skill.failures >= RETIRE_SKILL_AFTER_FAILURES && skill.failures > skill.successes) {
    skill.status = "retired";
    const why = `failures ${skill.failures} ≥ ${RETIRE_SKILL_AFTER_FAILURES} and more than successes ${skill.successes}`;
    recordSkillChange(skill, "retired", why, ctx);
    deltas.push({ id: skill.id, change: "retired", reason: why });
  }
  return deltas;
}

/**
 * Applies a leaner trial's verdict to its skill: `passed` drops the step for good (the doubtful marks after it move
 * up); otherwise the step stays and is no longer doubtful. Ignored unless the skill is active and still has the
 * trial's step, unchanged, at that index among its doubtful ones.
 */
export function recordSkillTrial(data: LearningData, trial: SkillTrial, ctx: ChangeContext): LearningDelta[] {
  const skill = data.skills.find((candidate) => candidate.id === trial.skillId);
  const step = skill?.steps[trial.step];
  if (!skill || skill.status !== "active" || step === undefined || skill.doubtful?.includes(trial.step) !== true)
    return [];
  if (step.tool !== trial.left.tool || JSON.stringify(step.args) !== JSON.stringify(trial.left.args)) return [];
  const shown = `step ${trial.step + 1} (${describeStep(step)})`;
  const rest = skill.doubtful.filter((index) => index !== trial.step);
  let change: string;
  let reason: string;
  if (trial.outcome === "passed") {
    skill.steps = skill.steps.filter((_, index) => index !== trial.step);
    skill.doubtful = rest.map((index) => (index > trial.step ? index - 1 : index));
    change = "step-dropped";
    reason = `dropped ${shown}: the check passed without it`;
  } else {
    skill.doubtful = rest;
    change = "step-kept";
    reason = `kept ${shown}: ${trialFailure(trial)} without it`;
  }
  if (skill.doubtful.length === 0) delete skill.doubtful;
  recordSkillChange(skill, change, reason, ctx);
  return [{ id: skill.id, change, reason }];
}

function trialFailure(trial: SkillTrial): string {
  if (trial.outcome === "check-failed") return "the check failed";
  if (trial.outcome === "masked") return `lesson ${trial.lessonId ?? "?"} masks a later step in the world reached`;
  return "a later step failed";
}

/** The skill to replay for a goal: its active skill when successes ≥ 1 and successes ≥ failures. */
export function pickSkill(data: LearningData, goal: string): Skill | undefined {
  return data.skills.find(
    (skill) =>
      skill.goal === goal && skill.status === "active" && skill.successes >= 1 && skill.successes >= skill.failures,
  );
}

/**
 * Changes that only count a use (the skill itself stays as it was); past the cap they go first, so the entries that say
 * why the skill's steps are what they are (created, shortened, a step dropped or kept, retired) outlive any number of
 * replays.
 */
export const ROUTINE_SKILL_CHANGES: ReadonlySet<string> = new Set(["succeeded", "replay-succeeded", "replay-failed"]);

/** Appends one change to the skill's history, at most {@link MAX_HISTORY_ENTRIES}: the oldest routine entry goes first. */
function recordSkillChange(skill: Skill, change: string, reason: string, ctx: ChangeContext): void {
  skill.history.push({ cycle: ctx.cycle, at: ctx.now.toISOString(), change, reason });
  while (skill.history.length > MAX_HISTORY_ENTRIES) {
    const routine = skill.history.findIndex((entry) => ROUTINE_SKILL_CHANGES.has(entry.change));
    skill.history.splice(routine >= 0 ? routine : 0, 1);
  }
}

function copySteps(steps: Skill["steps"]): Skill["steps"] {
  return steps.map((step) => ({ tool: step.tool, args: structuredClone(step.args) }));
}

function capFront<T>(items: T[], max: number): T[] {
  return items.length <= max ? items : items.slice(items.length - max);
}
