// Skills: the steps of a cycle whose check passed become or update the goal's one active skill; skills that keep failing on replay are retired.
import { MAX_EVIDENCE_IDS, MAX_HISTORY_ENTRIES } from "./citation-rules.js";
import type { ChangeContext } from "./citation-rules.js";
import type { LearningData, LearningDelta, Skill } from "./types.js";

/** Failed replays (and more failures than successes) that retire a skill. */
export const RETIRE_SKILL_AFTER_FAILURES = 3;

/**
 * Records that `steps` met `goal`'s check: creates the goal's skill (`S<n>`) or updates its active one
 * (`successes += 1`; the steps are replaced when the new ones are fewer). Empty `steps` are ignored.
 */
export function recordSkillSuccess(data: LearningData, goal: string, steps: Skill["steps"], evidence: string[], ctx: ChangeContext): LearningDelta[] {
  if (steps.length === 0) return [];
  const skill = data.skills.find((candidate) => candidate.goal === goal && candidate.status === "active");
  if (!skill) {
    const id = `S${data.nextSkillId}`;
    data.nextSkillId += 1;
    const reason = `goal ${goal}'s check passed after ${steps.length} step(s)`;
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
      history: [{ cycle: ctx.cycle, at: ctx.now.toISOString(), change: "created", reason }],
    });
    return [{ id, change: "created", reason }];
  }
  skill.successes += 1;
  skill.lastUsedCycle = ctx.cycle;
  const shorter = steps.length < skill.steps.length;
  const reason = shorter
    ? `goal ${goal}'s check passed after ${steps.length} step(s), fewer than its ${skill.steps.length}: steps replaced`
    : `goal ${goal}'s check passed again (successes ${skill.successes}, failures ${skill.failures})`;
  if (shorter) {
    skill.steps = copySteps(steps);
    skill.evidence = [];
  }
  skill.evidence = capFront([...new Set([...skill.evidence, ...evidence])], MAX_EVIDENCE_IDS);
  const change = shorter ? "steps-shortened" : "succeeded";
  recordSkillChange(skill, change, reason, ctx);
  return [{ id: skill.id, change, reason }];
}

/** Records one replay of an active skill (unknown or retired ids ignored); retires it after 3 failures that outnumber its successes. */
export function recordSkillReplay(data: LearningData, skillId: string, ok: boolean, ctx: ChangeContext): LearningDelta[] {
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

/** The skill to replay for a goal: its active skill when successes ≥ 1 and successes ≥ failures. */
export function pickSkill(data: LearningData, goal: string): Skill | undefined {
  return data.skills.find((skill) => skill.goal === goal && skill.status === "active" && skill.successes >= 1 && skill.successes >= skill.failures);
}

function recordSkillChange(skill: Skill, change: string, reason: string, ctx: ChangeContext): void {
  skill.history.push({ cycle: ctx.cycle, at: ctx.now.toISOString(), change, reason });
  skill.history = capFront(skill.history, MAX_HISTORY_ENTRIES);
}

function copySteps(steps: Skill["steps"]): Skill["steps"] {
  return steps.map((step) => ({ tool: step.tool, args: structuredClone(step.args) }));
}

function capFront<T>(items: T[], max: number): T[] {
  return items.length <= max ? items : items.slice(items.length - max);
}
