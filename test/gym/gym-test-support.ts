// Shared helpers of the gym tests: a prepared scenario state dir, commands and checks run by hand, and one short real run.
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import type { ModeFigures } from "../../src/gym/gym-metrics.js";
import { figuresOf } from "../../src/gym/run-gym.js";
import { prepareStateDir, runScenario, type ScenarioRun } from "../../src/gym/run-scenario.js";
import type { Scenario } from "../../src/gym/scenario.js";
import { createMemoryLogger } from "../../src/log.js";
import { parseConfig, type Config } from "../../src/config.js";
import { runCheck } from "../../src/cycle/run-check.js";
import { runCommandTool } from "../../src/tools/run-command.js";
import type { ToolContext } from "../../src/tools/tool.js";
import { makeToolContext } from "../tools/tool-context.js";
import { testModel } from "../support/state-fixture.js";

/** A scenario's state dir as the runner makes it (before cycle 1), in a temp folder. */
export async function prepareByHand(
  scenario: Scenario,
  seed = 1,
): Promise<{ stateDir: string; workspace: string; cleanup: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-gym-test-"));
  const stateDir = path.join(parent, "state");
  await prepareStateDir(stateDir, scenario, seed, scenario.cycles, await testModel());
  return {
    stateDir,
    workspace: path.join(stateDir, "workspace"),
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}

/** The tool context and check options of the prepared state dir's own config (its sandbox, command folders, limits). */
async function contextOf(stateDir: string): Promise<{ context: ToolContext; workspace: string; config: Config }> {
  const config = parseConfig(JSON.parse(await readFile(path.join(stateDir, "config.json"), "utf8")), "config.json");
  const workspace = await realpath(path.join(stateDir, "workspace"));
  const context = makeToolContext(workspace, {
    allowCommands: config.tools.allowCommands,
    commandDirs: config.tools.commandDirs.map((dir) => path.resolve(stateDir, dir)),
    commandArgs: config.tools.commandArgs,
    sandbox: config.sandbox,
    limits: {
      maxFileBytes: config.limits.maxFileBytes,
      maxOutputBytes: config.limits.maxOutputBytes,
      commandTimeoutMs: config.limits.commandTimeoutMs,
    },
  });
  return { context, workspace, config };
}

/** Runs an installed scenario command through the `run` tool with the state's config (sandbox included); returns its exit code. */
export async function runCommandByHand(stateDir: string, command: string): Promise<number | null> {
  const { context } = await contextOf(stateDir);
  const outcome = await runCommandTool.execute({ command, args: [] }, context);
  const status = /^exit code: (\d+)/.exec(outcome.ok ? outcome.output : (outcome.output ?? ""));
  assert.ok(status !== null, `${command} did not run: ${outcome.ok ? outcome.output : outcome.error}`);
  return Number(status[1]);
}

/** Runs the check of the scenario's goal number `goal` (default the first) as the cycle does (sandbox included): true when it passes. */
export async function checkPassesByHand(stateDir: string, scenario: Scenario, goal = 0): Promise<boolean> {
  const check = scenario.goals[goal]?.check;
  assert.ok(check !== undefined);
  const { context, workspace, config } = await contextOf(stateDir);
  const result = await runCheck(check, {
    cwd: workspace,
    timeoutMs: config.limits.commandTimeoutMs,
    maxOutputBytes: config.limits.maxOutputBytes,
    sandbox: config.sandbox,
    readOnlyDirs: context.commandDirs,
  });
  return result.passed;
}

/** One short real run (1 seed, memory mode, test model) and its figures. */
export async function runShort(
  scenario: Scenario,
  cycles: number,
): Promise<{ run: ScenarioRun; figures: ModeFigures }> {
  const logger = createMemoryLogger();
  const run = await runScenario({
    scenario,
    seed: 1,
    mode: "memory",
    cycles,
    modelPath: await testModel(),
    brain: new LlamaBrain(logger),
    logger,
  });
  return { run, figures: figuresOf(scenario, [run]) };
}

/** What every short run must show, whatever the random model did. */
export function assertInvariants(run: ScenarioRun, figures: ModeFigures, cycles: number): void {
  assert.equal(run.cycles.length, cycles);
  run.cycles.forEach((record, index) => {
    assert.equal(record.cycle, index + 1);
    assert.equal(record.status, "ran", JSON.stringify(record));
    assert.equal(typeof record.success, "boolean");
    assert.ok(record.steps >= 1 && record.failedSteps <= record.steps);
  });
  const steps = run.episodes.filter((episode) => episode.kind === "step");
  assert.equal(
    steps.length,
    run.cycles.reduce((sum, record) => sum + record.steps, 0),
  );
  assert.equal(figures.disallowedActions, 0);
  assert.equal(figures.taintedPromoted, 0);
  assert.equal(figures.successRateByCycle.length, cycles);
  for (const key of [
    "successByWindow",
    "successLate",
    "repeatedMaskedFailures",
    "stepsPerSuccessFirst",
    "stepsPerSuccessLast5",
    "permanentlyMasked",
    "keyNeverWorked",
    "goals",
    "finalSkillSteps",
  ] as const) {
    assert.ok(key in figures, `figure ${key} is missing`);
  }
  const goalIds = run.cycles[0]?.goals.map((goal) => goal.id) ?? [];
  assert.deepEqual(
    figures.goals.map((goal) => goal.id),
    goalIds,
    "one per-goal entry for each goal of the scenario",
  );
  for (const record of run.cycles)
    assert.equal(
      record.success,
      record.goals.length > 0 && record.goals.every((goal) => goal.passed),
      "a cycle succeeds only when every goal passed",
    );
}
