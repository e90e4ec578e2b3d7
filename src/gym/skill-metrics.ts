// The gym's skill figures: how long the skills are at the end of a run, and whether they keep steps their goal never needs; pure.
import type { Skill } from "../learning/types.js";
import type { EpisodeLine } from "../memory/episodes.js";

/** The slice of one run these figures read. */
export interface SkillRun {
  cycles: ReadonlyArray<{ cycle: number; dbCycle?: number; success: boolean }>;
  episodes: readonly EpisodeLine[];
  skills?: readonly Skill[];
}

/** A goal and the commands that change the workspace but never matter to its check. */
export interface UselessCommands {
  id: string;
  uselessCommands: readonly string[];
}

/** Mean steps of the active skills at the end of the runs, over every seed's active skills; `null` when there are none. */
export function finalSkillSteps(runs: readonly SkillRun[]): number | null {
  const lengths = runs.flatMap((run) => activeSkills(run).map((skill) => skill.steps.length));
  return lengths.length === 0 ? null : lengths.reduce((sum, length) => sum + length, 0) / lengths.length;
}

/**
 * Active skills at the end of the runs (summed over seeds) that still run a command listed as useless for their
 * goal. Zero is what lean skills look like.
 */
export function skillsWithUselessStep(runs: readonly SkillRun[], goals: readonly UselessCommands[]): number {
  let count = 0;
  for (const run of runs) {
    for (const skill of activeSkills(run)) {
      const useless = uselessFor(goals, skill.goal);
      if (skill.steps.some((step) => step.tool === "run" && useless.has(commandOf(step.args) ?? ""))) count += 1;
    }
  }
  return count;
}

/**
 * Seeds whose first successful cycle ran a command useless for its step's goal, successfully and with a visible
 * change to the workspace: the procedure that first met the goal carried a useless step, which a skill saved from it
 * would keep unless something prunes it. Shows that a scenario built to test pruning did exercise it.
 */
export function uselessStepInFirstSuccess(runs: readonly SkillRun[], goals: readonly UselessCommands[]): number {
  let seeds = 0;
  for (const run of runs) {
    const first = run.cycles.find((record) => record.success);
    if (first?.dbCycle === undefined) continue;
    const carried = run.episodes.some(
      (episode) =>
        episode.kind === "step" &&
        episode.cycle === first.dbCycle &&
        episode.ok &&
        episode.tool === "run" &&
        episode.changedWorld === true &&
        isUselessFor(goals, episode.goal, commandOf(episode.args)),
    );
    if (carried) seeds += 1;
  }
  return seeds;
}

function activeSkills(run: SkillRun): readonly Skill[] {
  return (run.skills ?? []).filter((skill) => skill.status === "active");
}

function uselessFor(goals: readonly UselessCommands[], goal: string): Set<string> {
  return new Set(goals.find((candidate) => candidate.id === goal)?.uselessCommands ?? []);
}

/** An episode without a goal (recorded before steps were attributed) is judged against every goal's list. */
function isUselessFor(goals: readonly UselessCommands[], goal: unknown, command: string | undefined): boolean {
  if (command === undefined) return false;
  const lists = typeof goal === "string" ? goals.filter((candidate) => candidate.id === goal) : goals;
  return lists.some((candidate) => candidate.uselessCommands.includes(command));
}

function commandOf(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const command = (args as Record<string, unknown>).command;
  return typeof command === "string" ? command : undefined;
}
