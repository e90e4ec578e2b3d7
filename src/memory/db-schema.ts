// The schema of the db's data (db.json, lessons.json and cycle.json together, version 3) and the types derived from it: the one definition of each record the db stores.
import * as v from "valibot";
import { learningSchema } from "../learning/types.js";
import { extensibleObject } from "../validation/extensible-object.js";
import { finiteNumber, wholeNumber } from "../validation/numbers.js";
import { plainRecord } from "../validation/plain-record.js";

/**
 * The db format version this code reads and writes. Version 3 keeps the lessons in `lessons.json` and the in-progress
 * marker in `cycle.json`; in memory the data has the same shape as version 2 (`learning.lessons`, `cycle.inProgress`).
 */
export const DB_VERSION = 3;

const whole = wholeNumber();
const count = wholeNumber(0);

const cycleStatusSchema = v.picklist(["ran", "skipped", "failed", "stopped", "interrupted"]);

/**
 * How one cycle ended. `stopped`: the daemon's stop (SIGTERM/SIGINT) cut it short and it was recorded at once;
 * `interrupted`: the process died mid-cycle and the next start recorded it. Older records never say `stopped`.
 */
export type CycleStatus = v.InferOutput<typeof cycleStatusSchema>;

const cycleSensorsSchema = v.object({
  cpuTempC: v.optional(finiteNumber),
  availableRamMB: finiteNumber,
  totalRamMB: finiteNumber,
  /** Raspberry Pi firmware throttle bits (`get_throttled`) as hex, where present. */
  throttled: v.optional(v.string()),
});

/** The part of a sensor reading kept with a cycle or a skip. */
export type CycleSensors = v.InferOutput<typeof cycleSensorsSchema>;

const goalVerdictSchema = v.object({
  id: v.string(),
  verdict: v.picklist(["met", "unmet", "unchecked"]),
  by: v.optional(v.picklist(["pre-check", "replay", "retest", "steps"])),
});

/**
 * How one due goal came out of a cycle. `met`: its check passed (`by` its pre-check before any work, its skill's
 * replay, the retest of a command masked for it, or the cycle's steps); `unmet`: its check failed at the end; `unchecked`: it has no check, or the cycle was
 * stopped before the end's checks (the world cannot say).
 */
export type GoalVerdict = v.InferOutput<typeof goalVerdictSchema>;

const stepTokensSchema = v.object({ step: count, prompt: count, evaluated: count, reused: count, generated: count });

const cycleTokensSchema = v.object({
  /** Prompt tokens of the cycle's first model-decided step. */
  prompt: count,
  /**
   * That first step's prompt tokens by part, in prompt order: each system section by id, then `turns` (earlier steps),
   * `request` and `frame` (the chat template and the joins; may be slightly negative when parts merge at a join). They
   * add up to `prompt`.
   */
  bySection: plainRecord(v.string(), whole),
  /** Prompt tokens the model evaluated, summed over the model-decided steps. */
  evaluated: count,
  /** Prompt tokens reused from the KV cache (prompt − evaluated), summed over those steps. */
  reused: count,
  /** Tokens the model generated, summed over those steps. */
  generated: count,
  /** The model's context size, in tokens (absent when the brain did not report it). */
  contextSize: v.optional(whole),
  /** Section ids cut to fit their budget at any step, in first-cut order. */
  cutSections: v.array(v.string()),
  /** Each model-decided step's figures. */
  steps: v.array(stepTokensSchema),
});

/**
 * The token cost of a cycle's model-decided steps (replays, checks and reflection are not in it). A cycle whose model
 * decided no step has none.
 */
export type CycleTokens = v.InferOutput<typeof cycleTokensSchema>;

const cycleRecordSchema = v.object({
  cycle: count,
  startedAt: v.string(),
  endedAt: v.string(),
  status: cycleStatusSchema,
  reason: v.optional(v.string()),
  steps: count,
  failedSteps: count,
  summary: v.optional(v.string()),
  durationMs: v.pipe(finiteNumber, v.minValue(0)),
  /** Every due goal that could be judged was met (absent when none could: no goal, or none with a check). */
  goalsMet: v.optional(v.boolean()),
  /** Each goal due at the cycle's start, with its verdict (absent with no due goal, and in older records). */
  goals: v.optional(v.array(goalVerdictSchema)),
  /** Learning changes (deltas) this cycle made. */
  learned: v.optional(count),
  /** Lessons not retired after the cycle. */
  activeLessons: v.optional(count),
  /** The sensor reading the cycle's gate used. */
  sensors: v.optional(cycleSensorsSchema),
  /** What the cycle ran with, after fitting the context to free RAM and the threads to the heat. */
  resources: v.optional(v.object({ contextSize: whole, threads: whole, neededRamMB: finiteNumber })),
  /** The token cost of the cycle's model-decided steps; absent when the model decided none, and in older records. */
  tokens: v.optional(cycleTokensSchema),
});

/** One line of the cycle index. Times are ISO strings; `steps`/`failedSteps` count decisions. */
export type CycleRecord = v.InferOutput<typeof cycleRecordSchema>;

const goalProgressSchema = v.object({
  attempts: count,
  lastCheckedAt: v.optional(v.string()),
  lastCheckPassed: v.optional(v.boolean()),
  lastCheckOutput: v.optional(v.string()),
  doneAt: v.optional(v.string()),
  lastWorkedAt: v.optional(v.string()),
});

/** Progress of one goal, keyed by goal id in {@link DbData.goals}. */
export type GoalProgress = v.InferOutput<typeof goalProgressSchema>;

/** The schema of {@link CycleMarker}, for cycle.json. */
export const cycleMarkerSchema = v.object({ cycle: count, startedAt: v.string(), pid: whole });

/** The marker of a cycle in progress: its number, ISO start time and the daemon's pid. */
export type CycleMarker = v.InferOutput<typeof cycleMarkerSchema>;

const pendingJournalSchema = v.object({
  cycle: count,
  day: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
  text: v.string(),
  inbox: v.array(
    v.object({
      // A plain name inside inbox/ only: it is joined to a path when it is archived.
      file: v.pipe(v.string(), v.regex(/^[^/\\\0.][^/\\\0]*$/)),
      size: count,
      mtimeMs: finiteNumber,
    }),
  ),
});

// Extensible at the top level: keys this version does not know are kept on rewrite, so nothing is dropped silently.
export const dbSchema = extensibleObject({
  version: v.literal(DB_VERSION),
  cycle: v.object({
    /** Cycles started so far; the next cycle's number is `count + 1`. */
    count,
    lastStartedAt: v.optional(v.string()),
    lastEndedAt: v.optional(v.string()),
    /** Set while a cycle runs; still set on open means the last cycle was interrupted. */
    inProgress: v.optional(cycleMarkerSchema),
    /**
     * The journal entry of the last recorded cycle, written to db.json with the cycle's record and appended to the
     * journal after it, with the inbox files it read (archived after that). Dropped from memory once both are done, so
     * the next write leaves it out; still in db.json on open means a crash came in between, and the next cycle
     * finishes the job. So the journal never tells of a cycle db.json does not have. Each inbox file carries its size
     * and mtime as read: a file of the same name with others (dropped again after a rollback) is a new message.
     */
    pendingJournal: v.optional(pendingJournalSchema),
  }),
  goals: plainRecord(v.string(), goalProgressSchema),
  /** The last cycles, oldest first: at most `MAX_CYCLE_RECORDS` (db.ts). */
  cycles: v.array(cycleRecordSchema),
  /** The latest skip worth reporting (too hot, low memory, locked): ISO time, reason code, detail. */
  lastSkip: v.optional(
    v.object({ at: v.string(), reason: v.string(), detail: v.string(), sensors: v.optional(cycleSensorsSchema) }),
  ),
  /** Lessons, skills and situation histories (added in version 2). */
  learning: learningSchema,
});

/** The db's data in memory, version 3 (db.json, lessons.json and cycle.json together). */
export type DbData = v.InferOutput<typeof dbSchema>;
