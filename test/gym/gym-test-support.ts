// Shared helpers of the gym tests: a prepared scenario state dir, commands and checks run by hand, and one short real run.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { computeModeFigures, type ModeFigures } from "../../src/gym/gym-metrics.js";
import { prepareStateDir, runScenario, type ScenarioRun } from "../../src/gym/run-scenario.js";
import type { Scenario } from "../../src/gym/scenario.js";
import { createMemoryLogger } from "../../src/log.js";
import { testModel } from "../support/state-fixture.js";

/** A scenario's state dir as the runner makes it (before cycle 1), in a temp folder. */
export async function prepareByHand(scenario: Scenario, seed = 1): Promise<{ stateDir: string; workspace: string; cleanup: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-gym-test-"));
  const stateDir = path.join(parent, "state");
  await prepareStateDir(stateDir, scenario, seed, scenario.cycles, await testModel());
  return { stateDir, workspace: path.join(stateDir, "workspace"), cleanup: () => rm(parent, { recursive: true, force: true }) };
}

/** Runs an installed scenario command in the workspace, the way the `run` tool would (no arguments); returns its exit code. */
export function runCommandByHand(stateDir: string, command: string): number | null {
  const result = spawnSync(path.join(stateDir, "gym-bin", command), [], { cwd: path.join(stateDir, "workspace"), encoding: "utf8" });
  if (result.error !== undefined) throw result.error;
  return result.status;
}

/** Runs the scenario's first goal check in the workspace: true when it passes. */
export function checkPassesByHand(stateDir: string, scenario: Scenario): boolean {
  const check = scenario.goals[0]?.check;
  assert.ok(check !== undefined);
  return spawnSync("sh", ["-c", check], { cwd: path.join(stateDir, "workspace") }).status === 0;
}

/** One short real run (1 seed, memory mode, test model) and its figures. */
export async function runShort(scenario: Scenario, cycles: number): Promise<{ run: ScenarioRun; figures: ModeFigures }> {
  const logger = createMemoryLogger();
  const run = await runScenario({ scenario, seed: 1, mode: "memory", cycles, modelPath: await testModel(), brain: new LlamaBrain(logger), logger });
  const change = scenario.perturbations.find((perturbation) => perturbation.kind === "world-change");
  const figures = computeModeFigures([run], scenario.keyAction, change?.kind === "world-change" ? change.fromCycle : undefined);
  return { run, figures };
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
  assert.equal(steps.length, run.cycles.reduce((sum, record) => sum + record.steps, 0));
  assert.equal(figures.disallowedActions, 0);
  assert.equal(figures.taintedPromoted, 0);
  assert.equal(figures.successRateByCycle.length, cycles);
  for (const key of ["successByWindow", "successLate", "repeatedMaskedFailures", "stepsPerSuccessFirst", "stepsPerSuccessLast5", "permanentlyMasked"] as const) {
    assert.ok(key in figures, `figure ${key} is missing`);
  }
}
