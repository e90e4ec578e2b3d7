// The standard cycles of `bench speed`: a fresh `init` state (its charter and example goal) pointed at a given model with seed 7, each cycle run after a new inbox message, through the daemon's own cycle.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Brain, DecisionUsage } from "../brain/brain.js";
import type { CycleResult } from "../cycle/cycle-result.js";
import { runCycle } from "../cycle/run-cycle.js";
import { buildCycleDeps } from "../daemon/cycle-deps.js";
import { initStateDir } from "../daemon/init-state.js";
import { openState } from "../daemon/open-state.js";
import type { Logger } from "../log.js";
import type { CycleTokens } from "../memory/db-schema.js";
import { statePaths } from "../memory/state-paths.js";
import { TimedBrain } from "./timed-brain.js";

/** One standard cycle: how it ended, the model's decisions in it, and the token figures its db.json record holds. */
export interface StandardCycle {
  result: CycleResult;
  decisions: DecisionUsage[];
  /** The cycle record's `tokens`; `undefined` or `null` when the model decided no step. */
  tokens: CycleTokens | null | undefined;
}

/** Initialises `stateDir` from the shipped templates for `modelPath` and runs `cycles` standard cycles through `brain`. */
export async function runStandardCycles(options: {
  stateDir: string;
  modelPath: string;
  brain: Brain;
  cycles: number;
  logger: Logger;
}): Promise<StandardCycle[]> {
  const paths = statePaths(options.stateDir);
  await initStateDir(options.stateDir);
  const config = JSON.parse(await readFile(paths.config, "utf8")) as Record<string, Record<string, unknown>>;
  config.model = { ...config.model, path: path.resolve(options.modelPath), seed: 7 };
  await writeFile(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  const timed = new TimedBrain(options.brain);
  const clock = (): Date => new Date();
  const state = await openState(options.stateDir, { logger: options.logger, clock });
  const cycles: StandardCycle[] = [];
  try {
    for (let index = 0; index < options.cycles; index++) {
      const note = path.join(paths.inbox, `note-${index + 1}.md`);
      await writeFile(note, "Please also note today's date in the journal.\n");
      timed.reset();
      const result = await runCycle(buildCycleDeps(state, { brain: timed, logger: options.logger, clock }));
      const tokens = result.status === "ran" ? result.tokens : state.db.data.cycles.at(-1)?.tokens;
      cycles.push({ result, decisions: timed.reset().decisions, tokens });
    }
  } finally {
    await state.close();
  }
  return cycles;
}
