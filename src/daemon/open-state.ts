// Opens a state dir for one writer: creates missing folders, reads and validates config (never moving it), opens db and episodes, repairs a torn tail.
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { resolveModelPath, type Config } from "../config.js";
import { readConfigFile, type ConfigRead } from "../config-file.js";
import type { Logger } from "../log.js";
import { openDb, type StateDb } from "../memory/db.js";
import { TEMP_SUFFIX } from "../memory/durable-write.js";
import { openEpisodeLog, readLastEpisodeCycle, repairTornTail, type EpisodeLog } from "../memory/episodes.js";
import { statePaths, type StatePaths } from "../memory/state-paths.js";

/** An open state dir. `close` waits for pending appends. */
export interface OpenState {
  paths: StatePaths;
  config: Config;
  modelPath: string | undefined;
  db: StateDb;
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

/**
 * Reads and validates config.json, and never moves, renames or rewrites it: it is the operator's file, and may be
 * open in an editor. Throws {@link StateError} saying what to fix: the line and column of a JSON error (with the line
 * and a caret), or each wrong field.
 */
export async function loadConfig(paths: StatePaths): Promise<Config> {
  const read = await readConfigFile(paths.config);
  if (read.status === "ok") return read.config;
  if (read.status === "missing") {
    throw new StateError(
      `${paths.config} is missing. Run \`apprentice init ${paths.root}\` to create it from the template.`,
    );
  }
  throw new StateError(describeConfigRefusal(paths, read));
}

/** The message for an unusable config.json: what is wrong, where, and that the file is left as it is. */
export function describeConfigRefusal(paths: StatePaths, read: Extract<ConfigRead, { status: "invalid" }>): string {
  if (read.kind === "schema")
    return `${read.detail}\nFix the field(s) named in ${paths.config}; \`apprentice config --defaults\` describes each setting.`;
  const [, ...excerpt] = read.detail.split("\n");
  return (
    `${read.message}\n${excerpt.map((line) => `    ${line}`).join("\n")}\n` +
    `Fix that spot in ${paths.config} (the file is left as it is); \`apprentice doctor --state ${paths.root}\` checks it again.`
  );
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
  const config = await loadConfig(paths);
  for (const dir of [paths.inbox, paths.outbox, paths.journal, paths.workspace, paths.models]) {
    await mkdir(dir, { recursive: true });
  }
  // A state dir made before the operator channel gets it now, writable by this user only.
  await mkdir(paths.operator, { recursive: true, mode: 0o700 });
  const warnings: string[] = [];
  await removeStaleTempFiles(paths.root, options.logger);
  const opened = await openDb(paths.db, options);
  warnings.push(...opened.warnings);
  const repaired = await repairTornTail(paths.episodes, options);
  if (repaired.repaired)
    warnings.push(
      `episodes: cut a torn last line (${repaired.bytesCut} bytes) left by a crash; the bytes were saved beside the log`,
    );
  // After a rollback db.json counts from an earlier cycle, but episodes.jsonl keeps every cycle: numbers go on from
  // the highest one, so an episode id (c7s1) never names two different steps.
  const lastEpisodeCycle = await readLastEpisodeCycle(paths.episodes);
  // A cycle cut off mid-way has its number in cycle.json only; recording it as interrupted takes that number.
  const counted = Math.max(opened.db.data.cycle.count, opened.db.data.cycle.inProgress?.cycle ?? 0);
  if (lastEpisodeCycle !== undefined && lastEpisodeCycle > counted) {
    warnings.push(
      `cycle numbers go on from ${lastEpisodeCycle + 1}: db.json counts ${opened.db.data.cycle.count} cycles but episodes.jsonl already holds cycle ${lastEpisodeCycle} (after a rollback)`,
    );
    opened.db.data.cycle.count = lastEpisodeCycle;
  }
  warnings.push(...(await describeEpisodeLogTrouble(paths.episodes, lastEpisodeCycle, opened.db.data.cycle.count)));
  for (const dir of [paths.workspace, paths.journal]) warnings.push(...(await findSpecialEntries(paths.root, dir)));
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

/** Most entries of a folder looked at for symlinks and special files, so a huge workspace costs the same as a small one. */
const MAX_SCANNED_ENTRIES = 1000;

/**
 * Warns about symlinks and special files (FIFOs, sockets, devices) at the top of `dir`: the tools and the journal never
 * follow or open them, and the operator should know they are there. Nothing is changed.
 */
async function findSpecialEntries(root: string, dir: string): Promise<string[]> {
  const warnings: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.slice(0, MAX_SCANNED_ENTRIES)) {
    if (entry.isFile() || entry.isDirectory()) continue;
    const kind = entry.isSymbolicLink()
      ? "a symlink"
      : entry.isFIFO()
        ? "a FIFO"
        : entry.isSocket()
          ? "a socket"
          : "a device or special file";
    warnings.push(
      `${path.relative(root, path.join(dir, entry.name))} is ${kind}, not a regular file; it is never followed, read or written`,
    );
  }
  return warnings;
}

/** Warns when episodes.jsonl has bytes but no readable episode at its end, or is empty while db.json counts cycles. */
async function describeEpisodeLogTrouble(
  file: string,
  lastEpisodeCycle: number | undefined,
  countedCycles: number,
): Promise<string[]> {
  if (lastEpisodeCycle !== undefined) return [];
  const size = await stat(file).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    },
  );
  if (size === undefined) return [];
  if (size > 0)
    return [
      `episodes: ${file} holds ${size} bytes but no readable episode at its end; its lines are kept, unreadable ones are skipped where the log is read, and new episodes are appended`,
    ];
  return countedCycles > 0
    ? [
        `episodes: ${file} is empty but db.json counts ${countedCycles} cycles; earlier episodes are gone from it (new ones are appended)`,
      ]
    : [];
}
