// Opens a state dir for one writer: creates missing folders, reads and validates config, opens db and episodes, repairs a torn tail.
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Low } from "lowdb";
import { ConfigError, parseConfig, resolveModelPath, type Config } from "../config.js";
import type { Logger } from "../log.js";
import { openDb, type DbData } from "../memory/db.js";
import { TEMP_SUFFIX } from "../memory/durable-write.js";
import { openEpisodeLog, readLastEpisodeCycle, repairTornTail, type EpisodeLog } from "../memory/episodes.js";
import { quarantineFile } from "../memory/quarantine.js";
import { statePaths, type StatePaths } from "../memory/state-paths.js";

/** An open state dir. `close` waits for pending appends. */
export interface OpenState {
  paths: StatePaths;
  config: Config;
  modelPath: string | undefined;
  db: Low<DbData>;
  episodes: EpisodeLog;
  /** Problems found and handled while opening (quarantined db, repaired episodes), for the operator. */
  warnings: string[];
  close(): Promise<void>;
}

/** Opening failed in a way the operator must fix; `message` says what and how. */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

/** Reads and validates config.json. Unparseable JSON is quarantined; a schema error names the fields and leaves the file. */
export async function loadConfig(paths: StatePaths, clock: () => Date): Promise<Config> {
  let text: string;
  try {
    text = await readFile(paths.config, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StateError(`${paths.config} is missing. Run \`apprentice init ${paths.root}\` to create it from the template.`);
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const moved = await quarantineFile(paths.config, (error as Error).message, clock);
    throw new StateError(
      `${paths.config} is not valid JSON (${(error as Error).message}); it was moved to ${moved}.\n` +
        `Fix it and move it back, or run \`apprentice init ${paths.root}\` to write a fresh one from the template.`,
    );
  }
  try {
    return parseConfig(raw, paths.config);
  } catch (error) {
    if (error instanceof ConfigError) throw new StateError(error.message);
    throw error;
  }
}

/** Opens `stateDir`. Throws {@link StateError} with a remedy when the dir or its config cannot be used. */
export async function openState(
  stateDir: string,
  options: { modelOverride?: string; logger: Logger; clock: () => Date },
): Promise<OpenState> {
  const paths = statePaths(stateDir);
  const info = await stat(paths.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (info === undefined || !info.isDirectory()) {
    throw new StateError(`${paths.root} is not a state dir. Create one with \`apprentice init ${paths.root}\`.`);
  }
  const config = await loadConfig(paths, options.clock);
  for (const dir of [paths.inbox, paths.outbox, paths.journal, paths.workspace, paths.models]) {
    await mkdir(dir, { recursive: true });
  }
  const warnings: string[] = [];
  await removeStaleTempFiles(paths.root, options.logger);
  const opened = await openDb(paths.db, options);
  warnings.push(...opened.warnings);
  const repaired = await repairTornTail(paths.episodes, options);
  if (repaired.repaired) warnings.push(`episodes: cut a torn last line (${repaired.bytesCut} bytes) left by a crash; the bytes were saved beside the log`);
  // After a rollback db.json counts from an earlier cycle, but episodes.jsonl keeps every cycle: numbers go on from
  // the highest one, so an episode id (c7s1) never names two different steps.
  const lastEpisodeCycle = await readLastEpisodeCycle(paths.episodes);
  // A cycle cut off mid-way has its number in cycle.json only; recording it as interrupted takes that number.
  const counted = Math.max(opened.db.data.cycle.count, opened.db.data.cycle.inProgress?.cycle ?? 0);
  if (lastEpisodeCycle !== undefined && lastEpisodeCycle > counted) {
    warnings.push(`cycle numbers go on from ${lastEpisodeCycle + 1}: db.json counts ${opened.db.data.cycle.count} cycles but episodes.jsonl already holds cycle ${lastEpisodeCycle} (after a rollback)`);
    opened.db.data.cycle.count = lastEpisodeCycle;
  }
  const episodes = await openEpisodeLog(paths.episodes, options);
  return {
    paths,
    config,
    modelPath: resolveModelPath(config, paths.root, options.modelOverride),
    db: opened.db,
    episodes,
    warnings,
    close: () => episodes.close(),
  };
}

/**
 * Removes temp files that a crash left between write and rename (`.db.json.<hex>.tmp`). Safe only under the lock:
 * no other writer can be mid-write. The real files are untouched, so nothing recorded is lost.
 */
async function removeStaleTempFiles(root: string, logger: Logger): Promise<void> {
  for (const name of await readdir(root)) {
    if (!name.startsWith(".") || !name.endsWith(TEMP_SUFFIX)) continue;
    await rm(path.join(root, name), { force: true });
    logger.info(`removed ${name}, a temp file left by an interrupted write`);
  }
}
