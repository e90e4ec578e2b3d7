// The db.json store (lowdb over DurableJsonFile): schema version 1, validated on open; a corrupt file is quarantined and reported, never silently reset.
import { Low } from "lowdb";
import { z } from "zod";
import type { Logger } from "../log.js";
import { CorruptStateError, DurableJsonFile } from "./durable-json-file.js";
import { quarantineFile } from "./quarantine.js";

/** The db.json format version this code reads and writes. */
export const DB_VERSION = 1;

/** How many cycle records db.json keeps; older ones live on in the journal and episodes. */
export const MAX_CYCLE_RECORDS = 500;

const cycleStatusSchema = z.enum(["ran", "skipped", "failed", "interrupted"]);

const cycleRecordSchema = z.object({
  cycle: z.number().int().min(0),
  startedAt: z.string(),
  endedAt: z.string(),
  status: cycleStatusSchema,
  reason: z.string().optional(),
  steps: z.number().int().min(0),
  failedSteps: z.number().int().min(0),
  summary: z.string().optional(),
  durationMs: z.number().min(0),
});

const goalProgressSchema = z.object({
  attempts: z.number().int().min(0),
  lastCheckedAt: z.string().optional(),
  lastCheckPassed: z.boolean().optional(),
  lastCheckOutput: z.string().optional(),
  doneAt: z.string().optional(),
  lastWorkedAt: z.string().optional(),
});

// Loose at the top level: keys this version does not know are kept on rewrite, so nothing is dropped silently.
const dbSchema = z.looseObject({
  version: z.literal(DB_VERSION),
  cycle: z.object({
    count: z.number().int().min(0),
    lastStartedAt: z.string().optional(),
    lastEndedAt: z.string().optional(),
    inProgress: z.object({ cycle: z.number().int().min(0), startedAt: z.string(), pid: z.number().int() }).optional(),
  }),
  goals: z.record(z.string(), goalProgressSchema),
  cycles: z.array(cycleRecordSchema),
  lastSkip: z.object({ at: z.string(), reason: z.string(), detail: z.string() }).optional(),
});

/** How one cycle ended. */
export type CycleStatus = z.infer<typeof cycleStatusSchema>;

/** One line of the cycle index. Times are ISO strings; `steps`/`failedSteps` count decisions. */
export interface CycleRecord {
  cycle: number;
  startedAt: string;
  endedAt: string;
  status: CycleStatus;
  reason?: string;
  steps: number;
  failedSteps: number;
  summary?: string;
  durationMs: number;
}

/** Progress of one goal, keyed by goal id in {@link DbData.goals}. */
export interface GoalProgress {
  attempts: number;
  lastCheckedAt?: string;
  lastCheckPassed?: boolean;
  lastCheckOutput?: string;
  doneAt?: string;
  lastWorkedAt?: string;
}

/** The content of db.json, version 1. */
export interface DbData {
  version: 1;
  cycle: {
    /** Cycles started so far; the next cycle's number is `count + 1`. */
    count: number;
    lastStartedAt?: string;
    lastEndedAt?: string;
    /** Set while a cycle runs; still set on open means the last cycle was interrupted. */
    inProgress?: { cycle: number; startedAt: string; pid: number };
  };
  goals: Record<string, GoalProgress>;
  /** The last {@link MAX_CYCLE_RECORDS} cycles, oldest first. */
  cycles: CycleRecord[];
  /** The latest skip worth reporting (too hot, low memory, locked): ISO time, reason code, detail. */
  lastSkip?: { at: string; reason: string; detail: string };
}

// Fails to compile if the schema and the interface drift apart.
const schemaMatchesInterface: (parsed: z.infer<typeof dbSchema>) => DbData = (parsed) => parsed;

/** Dependencies of {@link openDb}. */
export interface OpenDbDeps {
  logger: Logger;
  clock: () => Date;
}

/** A fresh, empty db. */
export function createDefaultDbData(): DbData {
  return { version: DB_VERSION, cycle: { count: 0 }, goals: {}, cycles: [] };
}

/** Validates parsed db.json content; throws an Error whose message says what is wrong (dotted path and expectation). */
export function parseDbData(value: unknown): DbData {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("schema mismatch: expected a JSON object at the top level");
  }
  const version = (value as { version?: unknown }).version;
  if (version !== DB_VERSION) {
    throw new Error(`unknown version ${JSON.stringify(version) ?? "undefined"} (this code reads version ${DB_VERSION})`);
  }
  const result = dbSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    throw new Error(`schema mismatch at ${where}: ${issue?.message ?? "invalid"}`);
  }
  const data = schemaMatchesInterface(result.data);
  capCycleRecords(data.cycles);
  return data;
}

/**
 * Opens db.json. A missing file gives fresh default data (written on the first {@link writeDb}).
 * Corrupt JSON, an empty file, a schema mismatch or an unknown `version` moves the file to `db.json.corrupt-<ts>`,
 * logs a warning naming both paths, and starts fresh; the warning is also returned so the caller can surface it.
 * Other I/O errors (permissions, a failing card) are thrown: they are not corruption and must not cost the data.
 */
export async function openDb(file: string, deps: OpenDbDeps): Promise<{ db: Low<DbData>; warnings: string[] }> {
  const db = new Low<DbData>(new DurableJsonFile<DbData>(file, { parse: parseDbData }), createDefaultDbData());
  const warnings: string[] = [];
  try {
    await db.read();
  } catch (error) {
    if (!(error instanceof CorruptStateError)) throw error;
    const quarantined = await quarantineFile(file, error.reason, deps.clock);
    const warning = `db: ${file} is unusable (${error.reason}); moved it to ${quarantined} and started with a fresh db`;
    deps.logger.warn(warning);
    warnings.push(warning);
    db.data = createDefaultDbData();
  }
  return { db, warnings };
}

/** Appends one cycle record, dropping the oldest so at most {@link MAX_CYCLE_RECORDS} remain. Does not write. */
export function appendCycleRecord(db: Low<DbData>, record: CycleRecord): void {
  db.data.cycles.push(record);
  capCycleRecords(db.data.cycles);
}

function capCycleRecords(cycles: CycleRecord[]): void {
  if (cycles.length > MAX_CYCLE_RECORDS) cycles.splice(0, cycles.length - MAX_CYCLE_RECORDS);
}

/** Writes the db to disk: one durable write (temp → fsync → rename → fsync dir). */
export async function writeDb(db: Low<DbData>): Promise<void> {
  await db.write();
}
