// Runs one cycle on an open state dir with the real effects: the one way the CLI and the daemon start a cycle.
import { runCycle } from "../cycle/run-cycle.js";
import type { CycleResult } from "../cycle/cycle-result.js";
import type { OpenState } from "./open-state.js";
import { buildCycleDeps, type CycleDepsOptions } from "./cycle-deps.js";

/** Runs one cycle on `state` with the deps {@link buildCycleDeps} wires to the world. */
export function runStateCycle(state: OpenState, options: CycleDepsOptions): Promise<CycleResult> {
  return runCycle(buildCycleDeps(state, options));
}
