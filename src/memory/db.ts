// The db.json store (lowdb over DurableJsonFile): schema version 2, validated on open; version 1 is migrated, a corrupt file is quarantined and reported, never silently reset.
import { Low } from "lowdb";
import { z } from "zod";
import { createEmptyLearningData } from "../learning/empty-learning.js";
import type { LearningData } from "../learning/types.js";
import type { Logger } from "../log.js";
import { CorruptStateError, DurableJsonFile } from "./durable-json-file.js";
import { quarantineFile } from "./quarantine.js";

/** The db.json format version this code reads and writes. */
export const DB_VERSION = 2;

/** How many cycle records db.json keeps; older ones live on in the journal and episodes. */
export const MAX_CYCLE_RECORDS = 500;

const cycleStatusSchema = z.enum(["ran", "skipped", "failed", "interrupted"]);

const cycleSensorsSchema = z.object({
  cpuTempC: z.number().optional(),
  availableRamMB: z.number(),
  totalRamMB: z.number(),
  throttled: z.string().optional(),
});

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
  goalsMet: z.boolean().optional(),
  learned: z.number().int().min(0).optional(),
  activeLessons: z.number().int().min(0).optional(),
  sensors: cycleSensorsSchema.optional(),
  resources: z.object({ contextSize: z.number().int(), threads: z.number().int(), neededRamMB: z.number() }).optional(),
});

const goalProgressSchema = z.object({
  attempts: z.number().int().min(0),
  lastCheckedAt: z.string().optional(),
  lastCheckPassed: z.boolean().optional(),
  lastCheckOutput: z.string().optional(),
  doneAt: z.string().optional(),
  lastWorkedAt: z.string().optional(),
});

const actionKeySchema = z.object({ tool: z.string(), args: z.string() });

const changeSchema = z.looseObject({ cycle: z.number().int(), at: z.string(), change: z.string(), reason: z.string(), cooldownCycles: z.number().int().min(1).optional() });

// Lessons, skills and situations are loose: a field added later is kept on rewrite; the fields the rules rely on are checked.
const lessonSchema = z.looseObject({
  id: z.string(),
  text: z.string(),
  kind: z.enum(["avoid", "prefer", "flaky", "fact", "procedure"]),
  scope: z.looseObject({ goal: z.string().optional(), tool: z.string().optional(), keywords: z.array(z.string()) }),
  action: actionKeySchema.optional(),
  evidence: z.array(z.string()),
  helpful: z.number().int().min(0),
  harmful: z.number().int().min(0),
  status: z.enum(["provisional", "trusted", "retired", "pinned"]),
  source: z.enum(["operator", "self"]),
  tainted: z.boolean(),
  createdAt: z.string(),
  createdCycle: z.number().int().min(0),
  lastUsedAt: z.string().optional(),
  lastUsedCycle: z.number().int().min(0).optional(),
  mask: z
    .object({
      fingerprint: z.string(),
      signature: z.string(),
      cooldownCycles: z.number().int().min(1),
      untilCycle: z.number().int(),
      retests: z.number().int().min(0),
      lastRetestCycle: z.number().int().optional(),
      worlds: z.array(z.string()).optional(),
    })
    .optional(),
  stats: z.object({ successes: z.number().int().min(0), failures: z.number().int().min(0) }).optional(),
  history: z.array(changeSchema),
});

const skillSchema = z.looseObject({
  id: z.string(),
  goal: z.string(),
  steps: z.array(z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) })),
  successes: z.number().int().min(0),
  failures: z.number().int().min(0),
  status: z.enum(["active", "retired"]),
  createdAt: z.string(),
  createdCycle: z.number().int().min(0),
  lastUsedCycle: z.number().int().min(0).optional(),
  evidence: z.array(z.string()),
  history: z.array(changeSchema),
});

const situationSchema = z.looseObject({
  goal: z.string(),
  action: actionKeySchema,
  outcomes: z.array(
    z.object({
      cycle: z.number().int(),
      ok: z.boolean(),
      signature: z.string().optional(),
      fingerprint: z.string(),
      episodeId: z.string(),
      fromWorld: z.boolean().optional(),
    }),
  ),
  checkFailedCycles: z.array(z.number().int()),
  checkPassedCycles: z.array(z.number().int()),
  lastCycle: z.number().int(),
});

const learningSchema = z.looseObject({
  lessons: z.array(lessonSchema),
  skills: z.array(skillSchema),
  situations: z.record(z.string(), situationSchema),
  nextLessonId: z.number().int().min(1),
  nextSkillId: z.number().int().min(1),
  lastConsolidationCycle: z.number().int().min(0),
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
  lastSkip: z.object({ at: z.string(), reason: z.string(), detail: z.string(), sensors: cycleSensorsSchema.optional() }).optional(),
  learning: learningSchema,
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
  /** Every goal worked on had its check pass at the end (absent when no goal was checked). */
  goalsMet?: boolean;
  /** Learning changes (deltas) this cycle made. */
  learned?: number;
  /** Lessons not retired after the cycle. */
  activeLessons?: number;
  /** The sensor reading the cycle's gate used. */
  sensors?: CycleSensors;
  /** What the cycle ran with, after fitting the context to free RAM and the threads to the heat. */
  resources?: { contextSize: number; threads: number; neededRamMB: number };
}

/** The part of a sensor reading kept with a cycle or a skip. */
export interface CycleSensors {
  cpuTempC?: number;
  availableRamMB: number;
  totalRamMB: number;
  /** Raspberry Pi firmware throttle bits (`get_throttled`) as hex, where present. */
  throttled?: string;
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

/** The content of db.json, version 2. */
export interface DbData {
  version: 2;
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
  lastSkip?: { at: string; reason: string; detail: string; sensors?: CycleSensors };
  /** Lessons, skills and situation histories (added in version 2). */
  learning: LearningData;
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
  return { version: DB_VERSION, cycle: { count: 0 }, goals: {}, cycles: [], learning: createEmptyLearningData() };
}

/**
 * Migrates db.json content from version 1 to 2: adds empty `learning`. Returns a new object; everything else,
 * unknown keys included, is kept as it was.
 */
export function migrateDbV1ToV2(value: Record<string, unknown>): Record<string, unknown> {
  return { ...value, version: 2, learning: createEmptyLearningData() };
}

// One step per version: index N holds the migration from version N to N + 1.
const migrations: Record<number, (value: Record<string, unknown>) => Record<string, unknown>> = { 1: migrateDbV1ToV2 };

/**
 * Validates parsed db.json content, migrating older versions step by step first; throws an Error whose message says
 * what is wrong (dotted path and expectation, or an unknown version).
 */
export function parseDbData(value: unknown): DbData {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("schema mismatch: expected a JSON object at the top level");
  }
  let version = (value as { version?: unknown }).version;
  let current = value as Record<string, unknown>;
  for (let migrate = typeof version === "number" ? migrations[version] : undefined; migrate; ) {
    current = migrate(current);
    version = current["version"];
    migrate = typeof version === "number" ? migrations[version] : undefined;
  }
  if (version !== DB_VERSION) {
    throw new Error(`unknown version ${JSON.stringify(version) ?? "undefined"} (this code reads version ${DB_VERSION})`);
  }
  const result = dbSchema.safeParse(current);
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
 * Opens db.json. A missing file gives fresh default data (written on the first {@link writeDb}); an older version is
 * migrated in memory (written back on the next write).
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
