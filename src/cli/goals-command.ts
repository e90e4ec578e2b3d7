// `apprentice goals` and `apprentice skills`: the operator's goals with their recorded progress, and the learned skills; reads only.
import type { Command } from "commander";
import { selectDueGoals } from "../cycle/due-goals.js";
import type { GoalProgress } from "../memory/db.js";
import type { Skill } from "../learning/types.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { formatTime, loadDb, readGoals, requireStateDir } from "./read-state.js";
import { printJson, printOut } from "./terminal-output.js";
import { toOneLine } from "../text/safe-text.js";

/** Characters of the last check output shown. */
const OUTPUT_HEAD_CHARS = 200;

/** One goal as `goals --json` prints it. Times are ISO strings. */
export interface GoalReport {
  id: string;
  title: string;
  check?: string;
  every?: string;
  priority: number;
  /** Due now: never met, or met longer ago than `every` (a goal without a check: never worked on, or `every` elapsed). */
  due: boolean;
  /** Not due: met (or, without a check, worked on) and not yet due again. */
  done: boolean;
  attempts: number;
  doneAt?: string;
  lastWorkedAt?: string;
  lastCheck?: { passed: boolean; at?: string; outputHead: string };
}

/** One skill as `skills --json` prints it. */
export interface SkillReport {
  id: string;
  goal: string;
  status: Skill["status"];
  successes: number;
  failures: number;
  createdCycle: number;
  lastUsedCycle?: number;
  steps: Skill["steps"];
}

export function registerGoalsCommands(program: Command): void {
  program
    .command("goals")
    .description(
      "list the goals in goals.yaml with their progress: attempts, done or due, the last check and its output (reads only)",
    )
    .option("--json", "print the goals as one JSON array")
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await readGoalReports(context)
        .then((reports) => {
          if (options.json === true) printJson(reports);
          else printOut(formatGoals(reports));
          return EXIT.ok;
        })
        .catch(reportError);
    });
  program
    .command("skills")
    .description("list the learned skills: id, goal, status, record and steps (reads only)")
    .option("--json", "print the skills as one JSON array")
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await readSkillReports(context)
        .then((reports) => {
          if (options.json === true) printJson(reports);
          else printOut(formatSkills(reports));
          return EXIT.ok;
        })
        .catch(reportError);
    });
}

/** Each goal of goals.yaml, in file order, joined with its progress from db.json. */
export async function readGoalReports(context: CliContext): Promise<GoalReport[]> {
  const paths = await requireStateDir(context.options.state);
  const goals = await readGoals(paths);
  const progress = (await loadDb(paths)).data.goals;
  const due = new Set(selectDueGoals(goals, progress, context.clock()).map((goal) => goal.id));
  return goals.map((goal) => {
    const record: GoalProgress = progress[goal.id] ?? { attempts: 0 };
    return {
      id: goal.id,
      title: goal.title,
      ...(goal.check !== undefined ? { check: goal.check } : {}),
      ...(goal.every !== undefined ? { every: goal.every } : {}),
      priority: goal.priority,
      due: due.has(goal.id),
      done: !due.has(goal.id),
      attempts: record.attempts,
      ...(record.doneAt !== undefined ? { doneAt: record.doneAt } : {}),
      ...(record.lastWorkedAt !== undefined ? { lastWorkedAt: record.lastWorkedAt } : {}),
      ...(record.lastCheckPassed !== undefined
        ? {
            lastCheck: {
              passed: record.lastCheckPassed,
              ...(record.lastCheckedAt !== undefined ? { at: record.lastCheckedAt } : {}),
              outputHead: (record.lastCheckOutput ?? "").slice(0, OUTPUT_HEAD_CHARS),
            },
          }
        : {}),
    };
  });
}

/** Every skill in db.json, active first, then by id. */
export async function readSkillReports(context: CliContext): Promise<SkillReport[]> {
  const paths = await requireStateDir(context.options.state);
  const skills = (await loadDb(paths)).data.learning.skills;
  return [...skills]
    .sort(
      (a, b) =>
        Number(a.status !== "active") - Number(b.status !== "active") || Number(a.id.slice(1)) - Number(b.id.slice(1)),
    )
    .map((skill) => ({
      id: skill.id,
      goal: skill.goal,
      status: skill.status,
      successes: skill.successes,
      failures: skill.failures,
      createdCycle: skill.createdCycle,
      ...(skill.lastUsedCycle !== undefined ? { lastUsedCycle: skill.lastUsedCycle } : {}),
      steps: skill.steps,
    }));
}

function formatGoals(reports: readonly GoalReport[]): string {
  if (reports.length === 0) return "No goals in goals.yaml.\n";
  const blocks = reports.map((goal) => {
    const state = goal.done ? `done${goal.doneAt !== undefined ? ` (met ${formatTime(goal.doneAt)})` : ""}` : "due";
    const lines = [
      `${goal.id}: ${state}, ${goal.attempts} attempt(s), priority ${goal.priority}`,
      `  ${toOneLine(goal.title.trim(), 200)}`,
    ];
    if (goal.check !== undefined)
      lines.push(
        `  check: ${toOneLine(goal.check.trim(), 200)}${goal.every !== undefined ? `, every ${goal.every}` : ""}`,
      );
    else if (goal.every !== undefined) lines.push(`  every ${goal.every}`);
    if (goal.lastCheck !== undefined) {
      const output = toOneLine(goal.lastCheck.outputHead.trim(), 120);
      lines.push(
        `  last check: ${goal.lastCheck.passed ? "passed" : "failed"} at ${formatTime(goal.lastCheck.at)}${output !== "" ? ` — ${output}` : ""}`,
      );
    } else if (goal.check !== undefined) lines.push("  last check: not run yet");
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

function formatSkills(reports: readonly SkillReport[]): string {
  if (reports.length === 0)
    return "No skills yet: a skill is saved when a goal's check passes after steps that changed the workspace.\n";
  const blocks = reports.map((skill) => {
    const lines = [
      `${skill.id}: goal ${skill.goal}, ${skill.status}, ${skill.successes} success(es), ${skill.failures} failure(s), ${skill.steps.length} step(s)`,
    ];
    skill.steps.forEach((step, index) =>
      lines.push(`  ${index + 1}. ${step.tool} ${toOneLine(JSON.stringify(step.args), 160)}`),
    );
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
