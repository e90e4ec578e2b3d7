// A state with two goals due together (report, backup), each met by its own allowlisted command, for the multi-goal cycle tests.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { openState, type OpenState } from "../../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../../src/log.js";
import { installCommands } from "../../support/command-fixture.js";
import { makeStateDir } from "../../support/state-fixture.js";

/** report and backup, in that order, equal priority. */
export const TWO_GOALS = [
  "version: 1",
  "goals:",
  "  - id: report",
  "    title: Produce report.txt saying done.",
  "    check: grep -q done report.txt",
  "  - id: backup",
  "    title: Produce backup.txt saying saved.",
  "    check: grep -q saved backup.txt",
  "",
].join("\n");

/** make-report meets report, make-backup meets backup, tidy changes nothing. */
export const COMMANDS = {
  "make-report": "echo done > report.txt",
  "make-backup": "echo saved > backup.txt",
  tidy: "true",
};

/** A scripted `run` of an allowlisted command without arguments. */
export const run = (command: string): string =>
  JSON.stringify({ thought: "t", tool: "run", args: { command, args: [] } });

/** Opens a fresh state with `goalsYaml` and {@link COMMANDS} (tools run, use_skill, finish); both are removed after the test. */
export async function openTwoGoalState(
  t: { after(fn: () => unknown): void },
  options: { maxSteps?: number; goalsYaml?: string; clock?: () => Date } = {},
): Promise<{ dir: string; state: OpenState }> {
  const { dir, cleanup } = await makeStateDir({
    goalsYaml: options.goalsYaml ?? TWO_GOALS,
    config: { limits: { maxSteps: options.maxSteps ?? 4 } },
  });
  t.after(cleanup);
  // use_skill is enabled, so a test can see which skills a turn is offered.
  await installCommands(dir, COMMANDS, ["run", "use_skill", "finish"]);
  const state = await openState(dir, { logger: createMemoryLogger(), clock: options.clock ?? (() => new Date()) });
  t.after(() => state.close());
  return { dir, state };
}

/** Adds an active skill S<n> for `goal` that runs `command`, with `successes` past successes; returns its id. */
export function seedSkill(state: OpenState, goal: string, command: string, successes = 2): string {
  const learning = state.db.data.learning;
  const id = `S${learning.nextSkillId}`;
  learning.skills.push({
    id,
    goal,
    steps: [{ tool: "run", args: { command, args: [] } }],
    successes,
    failures: 0,
    status: "active",
    createdAt: new Date().toISOString(),
    createdCycle: 0,
    evidence: [],
    history: [],
  });
  learning.nextSkillId += 1;
  return id;
}

/** A state with the two goals, their commands, and the skill S1 that meets `report` by running make-report. */
export async function stateWithReportSkill(
  t: { after(fn: () => unknown): void },
  maxSteps = 4,
): Promise<{ dir: string; state: OpenState }> {
  const { dir, state } = await openTwoGoalState(t, { maxSteps });
  seedSkill(state, "report", "make-report");
  return { dir, state };
}

/** The episode log, parsed. */
export async function readEpisodes(dir: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path.join(dir, "episodes.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
