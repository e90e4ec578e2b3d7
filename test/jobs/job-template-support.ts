// Shared helpers of the job-template tests: a state dir made by `init --template`, and the job's commands and goal checks run as the cycle runs them (the state's own config and sandbox).
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { parseConfig, type Config } from "../../src/config.js";
import { runCheck, type CheckResult } from "../../src/cycle/run-check.js";
import { initStateDir } from "../../src/daemon/init-state.js";
import { findJobTemplate } from "../../src/daemon/job-templates.js";
import { writeOutboxNote } from "../../src/daemon/write-outbox-note.js";
import { runCommandTool } from "../../src/tools/run-command.js";
import { makeToolContext } from "../tools/tool-context.js";

/** A state dir made from a job template, in a temp folder. */
export interface JobState {
  stateDir: string;
  /** The workspace's real path: the checks' and commands' working directory. */
  workspace: string;
  cleanup: () => Promise<void>;
}

/** `apprentice init --template name` into a fresh temp folder (its path free of symlinks, as on a board). */
export async function initJob(name: string): Promise<JobState> {
  const parent = await realpath(await mkdtemp(path.join(os.tmpdir(), `apprentice-job-${name}-`)));
  const stateDir = path.join(parent, "state");
  const found = await findJobTemplate(name);
  assert.ok(found.ok, `no template ${name}`);
  await initStateDir(stateDir, undefined, found.dir);
  return {
    stateDir,
    workspace: await realpath(path.join(stateDir, "workspace")),
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}

async function readJobConfig(job: JobState): Promise<Config> {
  return parseConfig(JSON.parse(await readFile(path.join(job.stateDir, "config.json"), "utf8")), "config.json");
}

/** Runs an allowlisted job command through the `run` tool with the state's config, as the agent would: its output and exit code. */
export async function runJobCommand(job: JobState, command: string): Promise<{ code: number; output: string }> {
  const config = await readJobConfig(job);
  const context = makeToolContext(job.workspace, {
    allowCommands: config.tools.allowCommands,
    commandDirs: config.tools.commandDirs.map((dir) => path.resolve(job.stateDir, dir)),
    commandArgs: config.tools.commandArgs,
    sandbox: config.sandbox,
    limits: {
      maxFileBytes: config.limits.maxFileBytes,
      maxOutputBytes: config.limits.maxOutputBytes,
      commandTimeoutMs: config.limits.commandTimeoutMs,
    },
  });
  const outcome = await runCommandTool.execute({ command, args: [] }, context);
  const output = outcome.ok ? outcome.output : `${outcome.error}\n${outcome.output ?? ""}`;
  const status = /^exit code: (\d+)/.exec(output);
  assert.ok(status !== null, `${command} did not run: ${output}`);
  return { code: Number(status[1]), output };
}

/** Runs the check of goal `goalId` from the state's goals.yaml as the cycle's verify step does (sandbox, command folders). */
export async function checkJobGoal(job: JobState, goalId: string): Promise<CheckResult> {
  const goals = (
    parseYaml(await readFile(path.join(job.stateDir, "goals.yaml"), "utf8")) as {
      goals: Array<{ id: string; check?: string }>;
    }
  ).goals;
  const check = goals.find((goal) => goal.id === goalId)?.check;
  assert.ok(check !== undefined, `no check for ${goalId}`);
  const config = await readJobConfig(job);
  return runCheck(check, {
    cwd: job.workspace,
    timeoutMs: config.limits.commandTimeoutMs,
    maxOutputBytes: config.limits.maxOutputBytes,
    sandbox: config.sandbox,
    readOnlyDirs: config.tools.commandDirs.map((dir) => path.resolve(job.stateDir, dir)),
  });
}

/** Leaves `text` in the state's outbox as a file of its own, as `message_operator` does. */
export async function sendToOutbox(job: JobState, text: string): Promise<void> {
  await writeOutboxNote(path.join(job.stateDir, "outbox"), "c1-1", text, new Date());
}

/** Writes `content` to `relativePath` in the workspace, its parent folders made. */
export async function writeInWorkspace(job: JobState, relativePath: string, content: string): Promise<string> {
  const file = path.join(job.workspace, relativePath);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

/** Names that break careless shell: spaces, a newline, a leading dash, glob characters, a hidden file, a quote. */
export const HOSTILE_NAMES = [
  "with space.txt",
  "new\nline.jpg",
  "-rf.log",
  "*.pdf",
  "[a]?.mp3",
  ".hidden.log",
  "it's.md",
];
