// Builds the real CycleDeps for an open state dir: the one place where the cycle's effects are wired to the world.
import type { Brain } from "../brain/brain.js";
import type { CycleDeps } from "../cycle/cycle-deps.js";
import { CycleEvents } from "../events/cycle-events.js";
import type { Logger } from "../log.js";
import { readSensors } from "../sense/read-sensors.js";
import { builtinRegistry } from "../tools/registry.js";
import type { OpenState } from "./open-state.js";

export interface CycleDepsOptions {
  brain: Brain;
  logger: Logger;
  clock: () => Date;
  signal?: AbortSignal;
  /** The stream to emit the cycle's events into; a new one, with no listeners, when absent. */
  events?: CycleEvents;
}

export function buildCycleDeps(state: OpenState, options: CycleDepsOptions): CycleDeps {
  return {
    paths: state.paths,
    config: state.config,
    modelPath: state.modelPath,
    brain: options.brain,
    db: state.db,
    episodes: state.episodes,
    tools: builtinRegistry.tools,
    clock: options.clock,
    logger: options.logger,
    readSensors: () => readSensors(state.paths.root, options.clock, options.logger),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    events: options.events ?? new CycleEvents(),
  };
}
