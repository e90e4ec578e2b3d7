// The db, StateDb: lowdb's Low over its adapter StateStoreFile (db.json, lessons.json with lessons-changes.jsonl, and the cycle marker cycle.json), the only module that uses lowdb; schema version 3, validated on open; versions 1 and 2 are migrated, a corrupt file is quarantined and reported, never silently reset.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Low } from "lowdb";
import * as v from "valibot";
import { createEmptyLearningData } from "../learning/empty-learning.js";
import type { Logger } from "../log.js";
import { describeSchemaIssue } from "../validation/describe-schema-issue.js";
import { CorruptStateError } from "./corrupt-state-error.js";
import { writeFileDurably } from "./durable-write.js";
import { ifMissing } from "./if-missing.js";
import { DB_VERSION, dbSchema, type CycleMarker, type CycleRecord, type DbData } from "./db-schema.js";
import { copyAside, quarantineFile } from "./quarantine.js";
import { MAX_LESSON_TEXT_CHARS, StateStoreFile } from "./state-store-file.js";

export { DB_VERSION } from "./db-schema.js";
export type {
  CycleMarker,
  CycleRecord,
  CycleSensors,
  CycleStatus,
  DbData,
  GoalProgress,
  GoalVerdict,
} from "./db-schema.js";

/** How many cycle records db.json keeps; older ones live on in the journal and episodes. */
export const MAX_CYCLE_RECORDS = 500;

/** Dependencies of {@link openDb}. */
export interface OpenDbDeps {
  logger: Logger;
  clock: () => Date;
}

/** A fresh, empty db. */
export function createDefaultDbData(): DbData {
  return { version: DB_VERSION, cycle: { count: 0 }, goals: {}, cycles: [], learning: createEmptyLearningData() };
}

/**
 * Migrates db.json content from version 1 to 2: adds empty `learning`. Returns a new object; everything else,
 * unknown keys included, is kept as it was.
 */
export function migrateDbV1ToV2(value: Record<string, unknown>): Record<string, unknown> {
  return { ...value, version: 2, learning: createEmptyLearningData() };
}

/**
 * Migrates db.json content from version 2 to 3. The data keeps its shape: version 2 held the lessons inline and the
 * in-progress marker in `cycle.inProgress`, which is what version 3 has in memory; the next write moves them out to
 * lessons.json and cycle.json (an old marker is honoured once: the next cycle records that cycle as interrupted).
 */
export function migrateDbV2ToV3(value: Record<string, unknown>): Record<string, unknown> {
  return { ...value, version: 3 };
}

// One step per version: index N holds the migration from version N to N + 1.
const migrations: Record<number, (value: Record<string, unknown>) => Record<string, unknown>> = {
  1: migrateDbV1ToV2,
  2: migrateDbV2ToV3,
};

/**
 * Validates parsed db content, migrating older versions step by step first; throws an Error whose message says
 * what is wrong (dotted path and expectation, or an unknown version). `value` is db.json as parsed; a version 3
 * db.json holds no lessons itself, and they come in `parts.lessons` (from lessons.json; none when absent), as does
 * the marker of a cycle in progress (`parts.inProgress`, from cycle.json).
 */
export function parseDbData(value: unknown, parts: StoredParts = {}): DbData {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("schema mismatch: expected a JSON object at the top level");
  }
  let version = (value as { version?: unknown }).version;
  let current = value as Record<string, unknown>;
  for (let migrate = typeof version === "number" ? migrations[version] : undefined; migrate;) {
    current = migrate(current);
    version = current["version"];
    migrate = typeof version === "number" ? migrations[version] : undefined;
  }
  if (version !== DB_VERSION) {
    throw new Error(
      `unknown version ${JSON.stringify(version) ?? "undefined"} (this code reads version ${DB_VERSION})`,
    );
  }
  current = mergeStoredParts(current, parts);
  const result = v.safeParse(dbSchema, current);
  if (!result.success) throw new Error(`schema mismatch at ${describeSchemaIssue(result.issues[0])}`);
  const data = result.output;
  capCycleRecords(data.cycles);
  return data;
}

/** What lives beside db.json since version 3: the lessons (lessons.json) and the marker of a running cycle (cycle.json). */
export interface StoredParts {
  lessons?: { nextLessonId: number; lessons: unknown[] };
  inProgress?: CycleMarker;
}

function mergeStoredParts(value: Record<string, unknown>, parts: StoredParts): Record<string, unknown> {
  const merged = { ...value };
  const learning = merged["learning"];
  if (typeof learning === "object" && learning !== null && !Array.isArray(learning)) {
    const copy = { ...(learning as Record<string, unknown>) };
    // Kept in db.json only so a missing lessons.json is noticed; not part of the data.
    delete copy["lessonCount"];
    if (parts.lessons !== undefined) {
      copy["lessons"] = parts.lessons.lessons;
      // Both files carry the counter, and a crash between their writes must never let an id be handed out twice.
      copy["nextLessonId"] = Math.max(
        typeof copy["nextLessonId"] === "number" ? copy["nextLessonId"] : 1,
        parts.lessons.nextLessonId,
        nextIdAfter(parts.lessons.lessons),
      );
    } else copy["lessons"] ??= [];
    merged["learning"] = copy;
  }
  if (parts.inProgress !== undefined) {
    const cycle = { ...((merged["cycle"] ?? {}) as Record<string, unknown>) };
    const inline = cycle["inProgress"] as { cycle?: unknown } | undefined;
    // An old db.json may still carry its own marker; the newer of the two wins.
    if (inline === undefined || typeof inline.cycle !== "number" || inline.cycle <= parts.inProgress.cycle)
      cycle["inProgress"] = parts.inProgress;
    merged["cycle"] = cycle;
  }
  return merged;
}

/** One more than the highest `L<n>` id among `lessons` (1 for none). */
function nextIdAfter(lessons: readonly unknown[]): number {
  let highest = 0;
  for (const lesson of lessons) {
    const id = (lesson as { id?: unknown }).id;
    const number = typeof id === "string" && id.startsWith("L") ? Number(id.slice(1)) : Number.NaN;
    if (Number.isInteger(number) && number > highest) highest = number;
  }
  return highest + 1;
}

/**
 * The open db: lowdb's `Low` over the db's own lowdb `Adapter`, {@link StateStoreFile}, with `adapter` typed as that
 * store, so the two writes lowdb has no word for (a write held back until the episodes are synced, the marker alone)
 * reach it without a downcast. A subclass rather than a wrapper: `read`, `write` and `data` stay lowdb's own, and the
 * store can only be set by the constructor. Built by {@link openDb} (repairs, for the daemon), `loadDb` in
 * src/cli/read-state.ts (reads as it is, for the inspect commands) or {@link createStateDb} (not read yet).
 */
export class StateDb extends Low<DbData> {
  declare readonly adapter: StateStoreFile;

  constructor(store: StateStoreFile) {
    super(store, createDefaultDbData());
  }
}

/** The db whose db.json is `file` (lessons.json and cycle.json beside it), not read yet: `data` is a fresh db. */
export function createStateDb(file: string): StateDb {
  return new StateDb(createStoreFile(file));
}

/** The store of the db whose db.json is `file`: lessons.json and cycle.json sit beside it. */
export function createStoreFile(file: string): StateStoreFile {
  const dir = path.dirname(file);
  return new StateStoreFile({
    db: file,
    lessons: path.join(dir, LESSONS_FILE),
    lessonChanges: path.join(dir, LESSON_CHANGES_FILE),
    marker: path.join(dir, CYCLE_MARKER_FILE),
    issuedIds: path.join(dir, ISSUED_IDS_FILE),
  });
}

/**
 * Reads the db's files (db.json with lessons.json and cycle.json beside it) as they are, repairing nothing: fresh data
 * when none exists. Throws {@link CorruptStateError} naming the unusable file.
 */
export async function readDbData(file: string): Promise<DbData> {
  return (await createStoreFile(file).read()) ?? createDefaultDbData();
}

/** The lessons' file beside db.json. */
export const LESSONS_FILE = "lessons.json";
/** The lessons changed since lessons.json was written, one line per write, beside it. */
export const LESSON_CHANGES_FILE = "lessons-changes.jsonl";
/** The marker of a cycle in progress beside db.json; it exists only while a cycle runs (or after one was cut off). */
export const CYCLE_MARKER_FILE = "cycle.json";
/**
 * The next lesson and skill ids as they were before a rollback lowered them, beside db.json and outside the history,
 * so a rollback never hands out an id a second time (lesson ids name lessons in the history and the journal).
 */
export const ISSUED_IDS_FILE = "issued-ids.json";

/** Records that ids up to `ids` were handed out, when that is more than `issued-ids.json` says already. */
export async function recordIssuedIds(dir: string, ids: { nextLessonId: number; nextSkillId: number }): Promise<void> {
  const file = path.join(dir, ISSUED_IDS_FILE);
  const known = await readIssuedIds(file);
  const next = {
    nextLessonId: Math.max(ids.nextLessonId, known?.nextLessonId ?? 1),
    nextSkillId: Math.max(ids.nextSkillId, known?.nextSkillId ?? 1),
  };
  if (known !== undefined && known.nextLessonId === next.nextLessonId && known.nextSkillId === next.nextSkillId) return;
  await writeFileDurably(file, `${JSON.stringify({ version: 1, ...next })}\n`);
}

/**
 * What `issued-ids.json` says, or `undefined` when it is absent or does not hold two whole numbers (it only ever
 * raises the counters, so a damaged one is no reason to refuse the db).
 */
export async function readIssuedIds(file: string): Promise<{ nextLessonId: number; nextSkillId: number } | undefined> {
  const text = await readFile(file, "utf8").catch(ifMissing(undefined));
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as { version?: unknown; nextLessonId?: unknown; nextSkillId?: unknown };
    if (value.version !== 1 || !Number.isSafeInteger(value.nextLessonId) || !Number.isSafeInteger(value.nextSkillId))
      return undefined;
    return { nextLessonId: value.nextLessonId as number, nextSkillId: value.nextSkillId as number };
  } catch {
    return undefined;
  }
}

/**
 * Opens the db (db.json with lessons.json and cycle.json beside it). Missing files give fresh default data (written on
 * the first {@link writeDb}); an older version is migrated in memory (written back on the next write).
 * Corrupt JSON, an empty file, a schema mismatch or an unknown `version` moves that one file to `<name>.corrupt-<ts>`,
 * logs a warning naming both paths, and goes on with the others: a corrupt db.json keeps the lessons, a corrupt
 * lessons.json keeps the rest of the db. The warnings are also returned so the caller can surface them.
 * Other I/O errors (permissions, a failing card) are thrown: they are not corruption and must not cost the data.
 */
export async function openDb(file: string, deps: OpenDbDeps): Promise<{ db: StateDb; warnings: string[] }> {
  const db = createStateDb(file);
  const store = db.adapter;
  const warnings: string[] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      await db.read();
      break;
    } catch (error) {
      // Each round moves one file aside; there are only four.
      if (!(error instanceof CorruptStateError) || attempt >= 4) throw error;
      const quarantined = await quarantineFile(error.file, error.reason, deps.clock);
      const what =
        error.file === store.files.db
          ? "started with a fresh db (the lessons are kept)"
          : error.file === store.files.lessons
            ? "went on without lessons (the rest of the db is kept)"
            : error.file === store.files.lessonChanges
              ? "went on with the lessons as lessons.json holds them (the changes since are lost)"
              : "a cycle may have been cut off; it is not recorded";
      const warning = `db: ${error.file} is unusable (${error.reason}); moved it to ${quarantined} and ${what}`;
      deps.logger.warn(warning);
      warnings.push(warning);
    }
  }
  for (const warning of store.readWarnings) {
    deps.logger.warn(warning);
    warnings.push(warning);
  }
  if (store.cutLessons.length > 0) {
    // The lessons' files are kept aside whole first (the long text may sit in either), so the cut text is never the
    // only copy; the rewrite makes the next start clean.
    const kept: string[] = [];
    for (const file of [store.files.lessons, store.files.lessonChanges])
      if (existsSync(file)) kept.push(await copyAside(file, deps.clock));
    await db.write();
    const warning = `db: ${store.files.lessons} holds lesson text longer than ${MAX_LESSON_TEXT_CHARS} characters (${store.cutLessons.join(", ")}); cut it, and kept the files as they were in ${kept.join(" and ")}`;
    deps.logger.warn(warning);
    warnings.push(warning);
  }
  return { db, warnings };
}

/** Appends one cycle record, dropping the oldest so at most {@link MAX_CYCLE_RECORDS} remain. Does not write. */
export function appendCycleRecord(db: StateDb, record: CycleRecord): void {
  db.data.cycles.push(record);
  capCycleRecords(db.data.cycles);
}

function capCycleRecords(cycles: CycleRecord[]): void {
  if (cycles.length > MAX_CYCLE_RECORDS) cycles.splice(0, cycles.length - MAX_CYCLE_RECORDS);
}

/**
 * Writes the db to disk: each of its files whose content changed is written durably (temp → fsync → rename → fsync
 * dir): lessons.json when the lessons changed, then db.json, then cycle.json is written or removed to match
 * `cycle.inProgress`.
 */
export async function writeDb(db: StateDb): Promise<void> {
  await db.write();
}

/**
 * Writes the db once `after` has settled, preparing the write meanwhile (see {@link StateStoreFile.write}); rejects,
 * writing nothing, when `after` rejects.
 */
export async function writeDbAfter(db: StateDb, after: Promise<void>): Promise<void> {
  await db.adapter.write(db.data, after);
}

/**
 * Writes only the marker of the cycle in progress (`db.data.cycle.inProgress`, set by the caller) to cycle.json,
 * durably. The cycle count and start time go to db.json with the cycle's end; the marker carries them until then.
 */
export async function writeCycleMarker(db: StateDb): Promise<void> {
  await db.adapter.writeMarker(db.data);
}
