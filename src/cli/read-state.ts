// Read-only access to a state dir for the inspect commands: nothing here creates, repairs, quarantines or rewrites a file.
import { stat } from "node:fs/promises";
import type { Config } from "../config.js";
import { readConfigFile } from "../config-file.js";
import { StateError } from "../daemon/open-state.js";
import { createStateDb, type StateDb } from "../memory/db.js";
import { CorruptStateError } from "../memory/corrupt-state-error.js";
import { loadGoals, type Goal } from "../memory/goals-file.js";
import { statePaths, type StatePaths } from "../memory/state-paths.js";

/** The paths of `stateDir`; throws {@link StateError} when it is not an existing directory. */
export async function requireStateDir(stateDir: string): Promise<StatePaths> {
  const paths = statePaths(stateDir);
  const info = await stat(paths.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw new StateError(`cannot read ${paths.root}: ${error.message}`);
  });
  if (info === undefined || !info.isDirectory()) {
    throw new StateError(`${paths.root} is not a state dir. Create one with \`apprentice init ${paths.root}\`.`);
  }
  return paths;
}

/**
 * Reads the db (db.json, lessons.json, cycle.json) as it is: missing files read as a fresh db; an unusable one throws
 * {@link StateError} and is left where it is (the daemon moves it aside when it next opens the state dir). The
 * returned db writes durably with `writeDb`, for a caller that holds the state lock.
 */
export async function loadDb(paths: StatePaths): Promise<StateDb> {
  const db = createStateDb(paths.db);
  try {
    await db.read();
  } catch (error) {
    if (error instanceof CorruptStateError) {
      throw new StateError(
        `${error.file} cannot be read (${error.reason}). It was left as it is; the next \`apprentice once\` or \`start\` moves it aside and goes on without it.`,
      );
    }
    throw new StateError(`cannot read ${paths.db}: ${(error as Error).message}`);
  }
  return db;
}

/** Reads and validates config.json without touching it; throws {@link StateError} naming the problem. */
export async function readConfig(paths: StatePaths): Promise<Config> {
  return (await readConfigAsWritten(paths)).config;
}

/** {@link readConfig}, with the JSON as written (`raw`), for a caller that tells the keys set there from defaults. */
export async function readConfigAsWritten(
  paths: StatePaths,
): Promise<{ config: Config; raw: Record<string, unknown> }> {
  const read = await readConfigFile(paths.config).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new StateError(`cannot read ${paths.config}: ${cause instanceof Error ? cause.message : String(cause)}`);
  });
  if (read.status === "ok") return { config: read.config, raw: read.raw };
  if (read.status === "missing") {
    throw new StateError(
      `${paths.config} is missing. Run \`apprentice init ${paths.root}\` to create it from the template.`,
    );
  }
  throw new StateError(read.kind === "json" ? `${read.message}.` : read.detail);
}

/** Reads goals.yaml (a missing file has no goals); throws {@link StateError} naming the bad field. */
export async function readGoals(paths: StatePaths): Promise<Goal[]> {
  const result = await loadGoals(paths.goals);
  if (!result.ok) throw new StateError(result.error);
  return result.goals;
}

/** An ISO time as local `YYYY-MM-DD HH:MM:SS`; `?` when absent or not a date. */
export function formatTime(iso: string | undefined): string {
  const date = iso === undefined ? undefined : new Date(iso);
  if (date === undefined || Number.isNaN(date.getTime())) return "?";
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
