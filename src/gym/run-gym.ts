// Runs scenarios × seeds × modes and turns the runs into figures; one progress line per finished run, results as data.
import type { Brain } from "../brain/brain.js";
import type { Logger } from "../log.js";
import { computeModeFigures, type ModeFigures } from "./gym-metrics.js";
import { runScenario, type GymMode, type ScenarioRun } from "./run-scenario.js";
import type { Scenario } from "./scenario.js";

export interface RunGymOptions {
  scenarios: readonly Scenario[];
  /** Seeds 1..`seeds`. */
  seeds: number;
  /** Overrides every scenario's cycle count. */
  cycles?: number;
  modes: readonly GymMode[];
  modelPath: string;
  brain: Brain;
  logger: Logger;
  /** One line per finished run (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
  /** Keep each run's temp state dir and name it in the progress line. Defaults to `false`. */
  keepStateDirs?: boolean;
}

/** One scenario's figures; a mode that was not run is `null`. */
export interface ScenarioFigures {
  name: string;
  seeds: number;
  cycles: number;
  memory: ModeFigures | null;
  noMemory: ModeFigures | null;
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
      for (let seed = 1; seed <= options.seeds; seed++) {
        const run = await runScenario({
          scenario,
          seed,
          mode,
          cycles,
          modelPath: options.modelPath,
          brain: options.brain,
          logger: options.logger,
          ...(options.keepStateDirs ? { keepStateDir: true } : {}),
        });
        runs.push(run);
        options.onProgress?.(describeRun(run, performance.now() - startedMs));
      }
      byMode[mode] = runs;
    }
    const key = scenario.keyAction;
    const change = scenario.perturbations.find((perturbation) => perturbation.kind === "world-change");
    const figures = (runs: ScenarioRun[] | undefined): ModeFigures | null =>
      runs === undefined ? null : computeModeFigures(runs, key, change?.kind === "world-change" ? change.fromCycle : undefined);
    scenarios.push({ name: scenario.name, seeds: options.seeds, cycles, memory: figures(byMode.memory), noMemory: figures(byMode["no-memory"]) });
  }
  return { scenarios, seconds: Math.round((performance.now() - startedMs) / 100) / 10 };
}

function describeRun(run: ScenarioRun, elapsedMs: number): string {
  const passed = run.cycles.filter((record) => record.success).length;
  const failed = run.cycles.filter((record) => record.status === "failed").length;
  return [
    `gym: ${run.scenario} seed ${run.seed} ${run.mode}: ${passed}/${run.cycles.length} cycles met the goal`,
    failed > 0 ? `, ${failed} failed` : "",
    ` in ${(run.durationMs / 1000).toFixed(1)} s (total ${(elapsedMs / 1000).toFixed(0)} s)`,
    run.stateDir !== undefined ? `; state kept in ${run.stateDir}` : "",
  ].join("");
}
