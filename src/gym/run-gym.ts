// Runs scenarios × seeds × modes and turns the runs into figures; one progress line per finished run, results as data.
import type { Brain } from "../brain/brain.js";
import type { CycleEvents } from "../events/cycle-events.js";
import type { Logger } from "../log.js";
import { computeModeFigures, type ModeFigures } from "./gym-metrics.js";
import { judgeThresholds, type ThresholdVerdict } from "./judge-thresholds.js";
import { runScenario, type GymMode, type ScenarioRun } from "./run-scenario.js";
import { keyActionOf, type Scenario } from "./scenario.js";

export interface RunGymOptions {
  scenarios: readonly Scenario[];
  /** How many seeds: `firstSeed` .. `firstSeed + seeds - 1`. */
  seeds: number;
  /** The first seed. Defaults to `1`. */
  firstSeed?: number;
  /** Overrides every scenario's cycle count. */
  cycles?: number;
  modes: readonly GymMode[];
  modelPath: string;
  brain: Brain;
  logger: Logger;
  /** One line per finished run (the CLI writes them to stderr). */
  onRun?: (line: string) => void;
  /** The stream every cycle's events go through (the CLI's live line); a quiet one when absent. */
  events?: CycleEvents;
  /** Keep each run's temp state dir and name it in the progress line. Defaults to `false`. */
  keepStateDirs?: boolean;
}

/** One scenario's figures; a mode that was not run is `null`. */
export interface ScenarioFigures {
  name: string;
  seeds: number;
  /** The first seed used: the runs used seeds `firstSeed` .. `firstSeed + seeds - 1`. */
  firstSeed: number;
  cycles: number;
  memory: ModeFigures | null;
  noMemory: ModeFigures | null;
  /** The scenario's declared thresholds, judged on these figures (empty when it declares none). */
  thresholds: ThresholdVerdict[];
}

/** What the gym returns: the `--json` object. */
export interface GymResult {
  scenarios: ScenarioFigures[];
  seconds: number;
}

/** Runs the gym. Runs are sequential: one model at a time is what a small board can hold. */
export async function runGym(options: RunGymOptions): Promise<GymResult> {
  const startedMs = performance.now();
  const scenarios: ScenarioFigures[] = [];
  for (const scenario of options.scenarios) {
    const cycles = options.cycles ?? scenario.cycles;
    const byMode: Partial<Record<GymMode, ScenarioRun[]>> = {};
    for (const mode of options.modes) {
      const runs: ScenarioRun[] = [];
      const firstSeed = options.firstSeed ?? 1;
      for (let seed = firstSeed; seed < firstSeed + options.seeds; seed++) {
        const run = await runScenario({
          scenario,
          seed,
          mode,
          cycles,
          modelPath: options.modelPath,
          brain: options.brain,
          logger: options.logger,
          ...(options.keepStateDirs ? { keepStateDir: true } : {}),
          ...(options.events !== undefined ? { events: options.events } : {}),
        });
        runs.push(run);
        options.onRun?.(describeRun(run, performance.now() - startedMs));
      }
      byMode[mode] = runs;
    }
    const memory = byMode.memory === undefined ? null : figuresOf(scenario, byMode.memory);
    const noMemory = byMode["no-memory"] === undefined ? null : figuresOf(scenario, byMode["no-memory"]);
    const thresholds = judgeThresholds(scenario.thresholds, memory, noMemory);
    scenarios.push({
      name: scenario.name,
      seeds: options.seeds,
      firstSeed: options.firstSeed ?? 1,
      cycles,
      memory,
      noMemory,
      thresholds,
    });
  }
  return { scenarios, seconds: Math.round((performance.now() - startedMs) / 100) / 10 };
}

/** One mode's figures for `scenario`: its key action per goal, its useless commands, its world change if any, and whether its key can work unseen where it failed. */
export function figuresOf(scenario: Scenario, runs: readonly ScenarioRun[]): ModeFigures {
  const change = scenario.perturbations.find((perturbation) => perturbation.kind === "world-change");
  const goals = scenario.goals.map((goal) => ({
    id: goal.id,
    keyAction: keyActionOf(scenario, goal),
    uselessCommands: goal.uselessCommands,
  }));
  // The key can work where it failed, unseen by the fingerprint, only after a world change or when it is flaky.
  const keys = new Set(goals.map((goal) => goal.keyAction.command));
  const mayWorkWhereItFailed = scenario.perturbations.some(
    (perturbation) =>
      (perturbation.kind === "world-change" || perturbation.kind === "flaky") && keys.has(perturbation.command),
  );
  return computeModeFigures(runs, scenario.keyAction, {
    goals,
    mayWorkWhereItFailed,
    ...(change?.kind === "world-change" ? { changeCycle: change.fromCycle } : {}),
  });
}

function describeRun(run: ScenarioRun, elapsedMs: number): string {
  const passed = run.cycles.filter((record) => record.success).length;
  const failed = run.cycles.filter((record) => record.status === "failed").length;
  const goals = run.cycles[0]?.goals.length ?? 1;
  return [
    `gym: ${run.scenario} seed ${run.seed} ${run.mode}: ${passed}/${run.cycles.length} cycles met ${goals === 1 ? "the goal" : `all ${goals} goals`}`,
    failed > 0 ? `, ${failed} failed` : "",
    ` in ${(run.durationMs / 1000).toFixed(1)} s (total ${(elapsedMs / 1000).toFixed(0)} s)`,
    run.stateDir !== undefined ? `; state kept in ${run.stateDir}` : "",
  ].join("");
}
