// Runs one gym scenario for one seed and one mode in a temp state dir, through the real runCycle; invariant: the temp dir is removed unless asked to keep it.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Brain } from "../brain/brain.js";
import { runCycle, type CycleResult } from "../cycle/run-cycle.js";
import { buildCycleDeps } from "../daemon/cycle-deps.js";
import type { CycleEvents } from "../events/cycle-events.js";
import { initStateDir } from "../daemon/init-state.js";
import { openState, type OpenState } from "../daemon/open-state.js";
import { createEmptyLearningData } from "../learning/empty-learning.js";
import type { Lesson, Skill } from "../learning/types.js";
import type { Logger } from "../log.js";
import { writeDb } from "../memory/db.js";
import { readEpisodes, type EpisodeLine } from "../memory/episodes.js";
import { readGoalVerdicts, type GoalVerdict } from "./goal-verdicts.js";
import type { Scenario } from "./scenario.js";
import { createSeededRandom } from "../seeded-random.js";
import type { Sensors } from "../sense/read-sensors.js";

/** `memory`: state carries over between cycles. `no-memory`: lessons, skills, goal progress and journal are wiped before each cycle. */
export type GymMode = "memory" | "no-memory";

/** Folder (in the state dir) where the scenario's commands are installed. */
export const GYM_BIN_DIR = "gym-bin";
/** Folder (in the state dir, outside the workspace) holding the perturbations' control files. */
export const GYM_CONTROL_DIR = "gym-control";

/** The simulated time of the gym's cycle 1 (a Monday morning); each later cycle is one hour on. */
export const GYM_START = Date.UTC(2026, 0, 5, 9, 0, 0);
/** The quiet board the prompt's sensor line shows, so that a seed gives the same run every time (see {@link gymSensors}). */
export const GYM_SENSORS = { availableRamMB: 2048, totalRamMB: 4096, load1: 0.5, diskFreeMB: 16_000 } as const;

/** How one gym cycle went. `cycle` is the gym's 1-based index; `dbCycle` the state's cycle number when one was assigned. */
export interface GymCycleRecord {
  cycle: number;
  dbCycle?: number;
  status: CycleResult["status"];
  reason?: string;
  /** The cycle ran and every goal of the scenario passed its check in it. */
  success: boolean;
  /** Each goal of the scenario, in file order, and whether its check passed in this cycle. */
  goals: GoalVerdict[];
  steps: number;
  failedSteps: number;
  durationMs: number;
}

/** Everything one run leaves for the metrics: per-cycle records, the episodes, and the learning state at the end. */
export interface ScenarioRun {
  scenario: string;
  seed: number;
  mode: GymMode;
  cycles: GymCycleRecord[];
  episodes: EpisodeLine[];
  lessons: Lesson[];
  skills: Skill[];
  /** The run's allowlist, for the disallowed-action count. */
  allowCommands: string[];
  durationMs: number;
  /** Set when `keepStateDir` was asked for. */
  stateDir?: string;
}

export interface RunScenarioOptions {
  scenario: Scenario;
  seed: number;
  mode: GymMode;
  /** Overrides the scenario's cycle count. */
  cycles?: number;
  modelPath: string;
  /** One shared brain: the llama.cpp binding loads once per process. */
  brain: Brain;
  logger: Logger;
  /** Defaults to the gym's simulated clock: {@link GYM_START} plus one hour per cycle. */
  clock?: () => Date;
  /** Parent folder of the temp state dir. Defaults to the OS temp dir. */
  tempDir?: string;
  /** The stream every cycle's events go through (the bench's live line); a quiet one when absent. */
  events?: CycleEvents;
  /** Keep the state dir for inspection instead of removing it. Defaults to `false`. */
  keepStateDir?: boolean;
}

/** Runs the scenario. Model and tool trouble are recorded as failed cycles; only broken invariants throw. */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioRun> {
  const { scenario, seed, mode, logger } = options;
  // The prompt shows the time and the sensors; live values would make a seed's run differ from one run to the next.
  let simulatedNow = GYM_START;
  const clock = options.clock ?? (() => new Date(simulatedNow));
  const cycles = options.cycles ?? scenario.cycles;
  const startedMs = performance.now();
  const parent = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), `apprentice-gym-${scenario.name}-`));
  const stateDir = path.join(parent, "state");
  try {
    await prepareStateDir(stateDir, scenario, seed, cycles, options.modelPath);
    const state = await openState(stateDir, { logger, clock });
    const records: GymCycleRecord[] = [];
    let lessons: Lesson[] = [];
    let skills: Skill[] = [];
    try {
      for (let cycle = 1; cycle <= cycles; cycle++) {
        await applyPerturbations(state, scenario, cycle);
        if (mode === "no-memory") await wipeMemory(state);
        // A fresh sampling seed per cycle, derived from the run's seed: reproducible, yet not the same draw every cycle.
        state.config.model.seed = seed * 1000 + cycle;
        simulatedNow = GYM_START + (cycle - 1) * 3_600_000;
        const deps = buildCycleDeps(state, {
          brain: options.brain,
          logger,
          clock,
          ...(options.events !== undefined ? { events: options.events } : {}),
        });
        const live = deps.readSensors;
        const result = await runCycle({
          ...deps,
          readSensors: async () => gymSensors(await live(), clock(), state.config.limits.maxTempC),
        });
        const verdicts = readGoalVerdicts(
          scenario.goals.map((goal) => goal.id),
          result,
        );
        records.push(recordCycle(state, cycle, result, verdicts));
      }
      ({ lessons, skills } = readLearning(state));
    } finally {
      await state.close();
    }
    const episodes = (await readEpisodes(state.paths.episodes)).records;
    return {
      scenario: scenario.name,
      seed,
      mode,
      cycles: records,
      episodes,
      lessons,
      skills,
      allowCommands: Object.keys(scenario.commands),
      durationMs: Math.round(performance.now() - startedMs),
      ...(options.keepStateDir ? { stateDir } : {}),
    };
  } finally {
    if (!options.keepStateDir) await rm(parent, { recursive: true, force: true });
  }
}

/** Makes the state dir: templates, charter, goals, config, the commands in gym-bin/ and the control folder. */
export async function prepareStateDir(
  stateDir: string,
  scenario: Scenario,
  seed: number,
  cycles: number,
  modelPath: string,
): Promise<void> {
  await initStateDir(stateDir);
  await writeFile(path.join(stateDir, "charter.md"), scenario.charter);
  const goalsYaml = ["version: 1", "goals:"];
  for (const goal of scenario.goals) {
    goalsYaml.push(
      `  - id: ${goal.id}`,
      `    title: ${JSON.stringify(goal.title)}`,
      `    check: ${JSON.stringify(goal.check)}`,
      `    priority: ${goal.priority}`,
    );
    if (goal.every !== undefined) goalsYaml.push(`    every: ${JSON.stringify(goal.every)}`);
  }
  await writeFile(path.join(stateDir, "goals.yaml"), `${goalsYaml.join("\n")}\n`);

  const commands = Object.keys(scenario.commands);
  const config = JSON.parse(await readFile(path.join(stateDir, "config.json"), "utf8")) as Record<
    string,
    Record<string, unknown>
  >;
  // The test model spells about one character per token: a short thought and a small budget keep a step quick.
  config.model = { ...config.model, path: modelPath, seed, temperature: 1, thoughtMaxChars: 16, maxTokensPerStep: 200 };
  // Gym runs are thrown away: no per-cycle history commits.
  config.history = { enabled: false };
  config.limits = {
    ...config.limits,
    maxSteps: scenario.maxSteps,
    stepTimeoutMs: 30_000,
    cycleTimeoutMs: 300_000,
    recentJournalEntries: 2,
  };
  config.tools = {
    allowCommands: commands,
    // The control folder is shown to the sandboxed commands read-only, as command folders are (changed-world's flag).
    commandDirs: [GYM_BIN_DIR, GYM_CONTROL_DIR],
    commandArgs: Object.fromEntries(commands.map((name) => [name, 0])),
    enabled: scenario.tools,
  };
  // A flaky command counts its calls in the control folder, a write outside the workspace that the sandbox refuses
  // (it would count 1 for ever and never fail): that scenario opts out, as an operator would for such a tool.
  if (scenario.perturbations.some((perturbation) => perturbation.kind === "flaky")) config.sandbox = { mode: "none" };
  config.learning = { ...config.learning, ...scenario.learning };
  await writeFile(path.join(stateDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);

  const control = path.join(stateDir, GYM_CONTROL_DIR);
  await mkdir(control, { recursive: true });
  await installCommands(path.join(stateDir, GYM_BIN_DIR), scenario, control);
  for (const perturbation of scenario.perturbations) {
    if (perturbation.kind !== "flaky") continue;
    const outcomes = drawOutcomes(seed, perturbation.failureRate, cycles * scenario.maxSteps * 2 + 16);
    await writeFile(path.join(control, `${perturbation.command}.outcomes`), `${outcomes.join("\n")}\n`);
    await writeFile(path.join(control, `${perturbation.command}.calls`), "0\n");
  }
  await writeWorkspaceFixture(path.join(stateDir, "workspace"), scenario);
}

/** Writes the scenario's scripts into `binDir` (mode 755), with `{{control}}` replaced by the quoted control folder. */
export async function installCommands(binDir: string, scenario: Scenario, controlDir: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  const quoted = `'${controlDir.replaceAll("'", `'\\''`)}'`;
  for (const [name, script] of Object.entries(scenario.commands)) {
    const file = path.join(binDir, name);
    await writeFile(file, script.replaceAll("{{control}}", quoted));
    await chmod(file, 0o755);
  }
}

/** Empties `workspaceDir` and writes the scenario's fixture files into it, with their folders. */
export async function writeWorkspaceFixture(workspaceDir: string, scenario: Scenario): Promise<void> {
  await rm(workspaceDir, { recursive: true, force: true });
  await mkdir(workspaceDir, { recursive: true });
  for (const [name, text] of Object.entries(scenario.workspace)) {
    const file = path.join(workspaceDir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/**
 * The sensor reading a gym cycle sees: {@link GYM_SENSORS} at the simulated time, so prompts do not drift with the
 * machine's load. Real pressure is never hidden: free RAM is the lower of the two, and a temperature at or over the
 * limit is passed on, so the gate still skips a cycle on a hot or short board.
 */
export function gymSensors(live: Sensors, now: Date, maxTempC: number): Sensors {
  return {
    ...GYM_SENSORS,
    at: now.toISOString(),
    availableRamMB: Math.min(live.availableRamMB, GYM_SENSORS.availableRamMB),
    ...(live.cpuTempC !== undefined && live.cpuTempC >= maxTempC ? { cpuTempC: live.cpuTempC } : {}),
  };
}

/** Seeded outcomes (`ok`/`fail`) for a flaky command, one per call: the same seed always gives the same list. */
export function drawOutcomes(seed: number, failureRate: number, count: number): Array<"ok" | "fail"> {
  const random = createSeededRandom(seed * 7919 + 17);
  return Array.from({ length: count }, () => (random() < failureRate ? "fail" : "ok"));
}

/** Sets the world up for `cycle`: workspace reset and goals due again, the world-change flag, inbox messages. */
async function applyPerturbations(state: OpenState, scenario: Scenario, cycle: number): Promise<void> {
  const control = path.join(state.paths.root, GYM_CONTROL_DIR);
  for (const perturbation of scenario.perturbations) {
    switch (perturbation.kind) {
      case "reset-workspace":
        await writeWorkspaceFixture(state.paths.workspace, scenario);
        for (const goal of scenario.goals) {
          const progress = state.db.data.goals[goal.id];
          if (progress === undefined) continue;
          delete progress.doneAt;
          delete progress.lastCheckPassed;
        }
        await writeDb(state.db);
        break;
      case "world-change":
        // The flag lives outside the workspace, so the world fingerprint an action sees does not change with it.
        if (cycle === perturbation.fromCycle)
          await writeFile(path.join(control, `${perturbation.command}.works`), `since cycle ${cycle}\n`);
        break;
      case "inbox":
        if (perturbation.cycles.includes(cycle))
          await writeFile(path.join(state.paths.inbox, perturbation.file), perturbation.text);
        break;
      case "flaky":
        // Its outcomes were written once, before cycle 1.
        break;
    }
  }
}

/** The no-memory mode: lessons, skills and situations back to empty, goal progress cleared, journal files removed. */
async function wipeMemory(state: OpenState): Promise<void> {
  (state.db.data as unknown as Record<string, unknown>).learning = createEmptyLearningData();
  state.db.data.goals = {};
  await writeDb(state.db);
  for (const name of await readdir(state.paths.journal))
    await rm(path.join(state.paths.journal, name), { recursive: true, force: true });
}

function recordCycle(state: OpenState, cycle: number, result: CycleResult, goals: GoalVerdict[]): GymCycleRecord {
  if (result.status === "ran") {
    const success = goals.length > 0 && goals.every((goal) => goal.passed);
    return {
      cycle,
      dbCycle: result.cycle,
      status: "ran",
      success,
      goals,
      steps: result.steps,
      failedSteps: result.failedSteps,
      durationMs: result.durationMs,
    };
  }
  if (result.status === "skipped") {
    return {
      cycle,
      status: "skipped",
      reason: result.reason,
      success: false,
      goals,
      steps: 0,
      failedSteps: 0,
      durationMs: 0,
    };
  }
  const index =
    result.cycle === undefined ? undefined : state.db.data.cycles.findLast((record) => record.cycle === result.cycle);
  return {
    cycle,
    ...(result.cycle !== undefined ? { dbCycle: result.cycle } : {}),
    status: "failed",
    reason: result.reason,
    success: false,
    goals,
    steps: index?.steps ?? 0,
    failedSteps: index?.failedSteps ?? 0,
    durationMs: index?.durationMs ?? 0,
  };
}

/** Lessons and skills at the end of the run; read defensively, since a db without learning data has none. */
function readLearning(state: OpenState): { lessons: Lesson[]; skills: Skill[] } {
  return { lessons: state.db.data.learning.lessons, skills: state.db.data.learning.skills };
}
