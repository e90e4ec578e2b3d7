// Everything a cycle touches, in one object: only the composition root (src/daemon/cycle-deps.ts) builds the real ones; tests swap any of them.
import type { Brain } from "../brain/brain.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { StateDb } from "../memory/db.js";
import type { EpisodeLog } from "../memory/episodes.js";
import type { StatePaths } from "../memory/state-paths.js";
import type { Sensors } from "../sense/read-sensors.js";
import type { CycleEvents } from "../events/cycle-events.js";
import type { Tool } from "../tools/tool.js";

/** Everything a cycle touches. Only the composition root builds the real ones; tests swap any of them. */
export interface CycleDeps {
  paths: StatePaths;
  config: Config;
  /** Resolved GGUF path, or undefined when none is configured. */
  modelPath: string | undefined;
  brain: Brain;
  /** The open db; the cycle writes its records only through the ledger (src/record/ledger.ts). */
  db: StateDb;
  episodes: EpisodeLog;
  tools: readonly Tool[];
  clock: () => Date;
  logger: Logger;
  readSensors: () => Promise<Sensors>;
  /** Aborts the cycle (daemon shutdown). The cycle's own timeout is added on top. */
  signal?: AbortSignal;
  /**
   * The stream the cycle's events go through: the cycle's ledger subscribes to it for the cycle's length, and the
   * composition root's listeners (progress lines, the log, the event feed) for as long as they like.
   */
  events: CycleEvents;
}
