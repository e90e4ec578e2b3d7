// Runs one cycle on an open state dir with the real effects: the one way the CLI and the daemon start a cycle.
import { runCycle } from "../cycle/run-cycle.js";
import type { CycleResult } from "../cycle/cycle-result.js";
import { writeEventFeed } from "../events/event-feed.js";
import type { OpenState } from "./open-state.js";
import { buildCycleDeps, type CycleDepsOptions } from "./cycle-deps.js";

/**
 * Runs one cycle on `state` with the deps {@link buildCycleDeps} wires to the world, its events also written to the
 * state dir's event feed (see `writeEventFeed`) for `log --follow` and `serve`.
 */
export async function runStateCycle(state: OpenState, options: CycleDepsOptions): Promise<CycleResult> {
  const deps = buildCycleDeps(state, options);
  const stopFeed = writeEventFeed(deps.events, state.paths.root, options);
  try {
    return await runCycle(deps);
  } finally {
    stopFeed();
  }
}
