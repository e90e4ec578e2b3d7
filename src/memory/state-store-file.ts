// The lowdb adapter of the db: db.json (everything but the lessons, pretty), lessons.json (one lesson per line) with lessons-changes.jsonl (the lessons changed since, appended) and cycle.json (the marker of a running cycle); each written durably, and only when its content changed.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Adapter } from "lowdb";
import * as v from "valibot";
import type { LearningData } from "../learning/types.js";
import { describeSchemaIssue } from "../validation/describe-schema-issue.js";
import { createDefaultDbData, parseDbData, readIssuedIds, type DbData, type StoredParts } from "./db.js";
import { cycleMarkerSchema, type CycleMarker } from "./db-schema.js";
import { CorruptStateError } from "./corrupt-state-error.js";
import { appendFileDurably, fsyncDir, writeFileDurably } from "./durable-write.js";
import { checkJsonTooDeep, MAX_STATE_JSON_DEPTH } from "./json-depth.js";
import { LessonsSnapshot, type LessonsChange } from "./lessons-snapshot.js";

/** The lessons.json format version this code reads and writes. */
export const LESSONS_FILE_VERSION = 1;
/** The cycle.json format version this code reads and writes. */
export const CYCLE_MARKER_VERSION = 1;

/**
 * lessons-changes.jsonl may grow to this share of lessons.json before the next change rewrites lessons.json whole and
 * empties it: a change costs one appended line, and a full rewrite comes once every few dozen cycles on a big state.
 */
const CHANGES_SHARE = 1 / 8;

/** The files of the db. */
export interface StoreFiles {
  db: string;
  lessons: string;
  lessonChanges: string;
  marker: string;
  /** Read only: the ids handed out before a rollback (see `recordIssuedIds`); the counters never go below them. */
  issuedIds?: string;
}

/**
 * lowdb `Adapter<DbData>` over four files, so a cycle writes only what it changed:
 * - `db.json`: the db without the lessons and without the in-progress marker, pretty-printed (small, read by people);
 * - `lessons.json`: `{"version":1,"nextLessonId":N,"generation":G,"lessons":[` and then one lesson per line: compact,
 *   and a history diff shows one line per changed lesson;
 * - `lessons-changes.jsonl`: one line per write that changed lessons since lessons.json was written,
 *   `{"generation":G,"nextLessonId":N,"set":[lessons…],"removed":[ids…]}`, replayed over lessons.json on read (a
 *   lesson in `set` replaces the one with its id, or is added at the end). A cycle that changes three lessons of ten
 *   thousand appends three lessons, not ten thousand. Once the file reaches {@link CHANGES_SHARE} of lessons.json,
 *   the next change rewrites lessons.json whole with the next generation and removes it; a line of an older generation
 *   (a crash between those two steps) is ignored. Which lessons changed is found by {@link LessonsSnapshot}, which
 *   compares the fields the learning rules touch with what was last read or written;
 * - `cycle.json`: `{"version":1,"inProgress":{…}}` while a cycle runs, removed when it ends.
 *
 * `read` throws {@link CorruptStateError} naming the one file that is unusable, so the caller can move that file
 * aside and read again; a missing file reads as absent, and a torn last line of lessons-changes.jsonl (a crash in
 * the middle of an append) is dropped with a warning. Writes run one at a time, in call order, and are serialised
 * when called (lowdb hands over its live object). Order within a write: a new marker first (a crash after it is
 * noticed), then the lessons, db.json, and the marker's removal last (a crash before it is noticed too; the next
 * start sees the cycle already recorded and only clears the marker).
 */
export class StateStoreFile implements Adapter<DbData> {
  readonly files: StoreFiles;
  /** Things worth telling the operator found by the last `read` (e.g. a lessons.json gone missing). */
  readWarnings: string[] = [];
  /** Ids of the lessons whose text the last `read` cut to {@link MAX_LESSON_TEXT_CHARS}; lessons.json still holds them whole. */
  cutLessons: string[] = [];
  #lastWrite: Promise<void> = Promise.resolve();
  /** The lessons as lessons.json and lessons-changes.jsonl hold them, as far as this process read or wrote them. */
  readonly #snapshot = new LessonsSnapshot();
  /** The next write rewrites lessons.json whole (absent, migrated, cut, a torn or stale changes file, a failed append). */
  #rewriteLessons = true;
  #generation = 0;
  /** Characters in lessons.json and lessons-changes.jsonl, for {@link CHANGES_SHARE}. */
  #lessonsChars = 0;
  #changesChars = 0;
  /** What the files on disk hold, as far as this process wrote or read them; undefined: unknown, write it. */
  #dbText: string | undefined;
  #markerText: string | undefined;

  constructor(files: StoreFiles) {
    this.files = files;
  }

  async read(): Promise<DbData | null> {
    this.readWarnings = [];
    const [dbText, lessonsText, changesText, markerText] = await Promise.all([
      readOptional(this.files.db),
      readOptional(this.files.lessons),
      readOptional(this.files.lessonChanges),
      readOptional(this.files.marker),
    ]);
    if (dbText === undefined && lessonsText === undefined && changesText === undefined && markerText === undefined)
      return null;
    const parts: StoredParts = {};
    const base = lessonsText !== undefined ? parseLessonsFile(this.files.lessons, lessonsText) : undefined;
    const replayed =
      changesText !== undefined
        ? replayLessonChanges(
            this.files.lessonChanges,
            changesText,
            base ?? { generation: 0, nextLessonId: 1, lessons: [] },
          )
        : undefined;
    if (replayed?.torn === true)
      this.readWarnings.push(
        `db: ${this.files.lessonChanges} ended in a half-written line (a write was cut off); dropped that line`,
      );
    const lessons = replayed?.lessons ?? base;
    if (lessons !== undefined) parts.lessons = { nextLessonId: lessons.nextLessonId, lessons: lessons.lessons };
    if (markerText !== undefined) parts.inProgress = parseMarkerFile(this.files.marker, markerText);
    const dbValue = dbText === undefined ? createDefaultDbData() : parseJson(this.files.db, dbText);
    const expected = (dbValue as { learning?: { lessonCount?: unknown } }).learning?.lessonCount;
    if (lessonsText === undefined && typeof expected === "number" && expected > 0) {
      this.readWarnings.push(
        `db: ${this.files.lessons} is missing but db.json counts ${expected} lessons; going on without them (\`apprentice rollback\` restores them from the history)`,
      );
    }
    let data: DbData;
    try {
      data = parseDbData(dbValue, parts);
      const issued = this.files.issuedIds !== undefined ? await readIssuedIds(this.files.issuedIds) : undefined;
      if (issued !== undefined) {
        data.learning.nextLessonId = Math.max(data.learning.nextLessonId, issued.nextLessonId);
        data.learning.nextSkillId = Math.max(data.learning.nextSkillId, issued.nextSkillId);
      }
    } catch (error) {
      // The lessons are checked with the rest; say which file a bad lesson came from.
      const message = (error as Error).message;
      const file =
        lessons !== undefined && message.includes("learning.lessons")
          ? replayed?.applied
            ? this.files.lessonChanges
            : this.files.lessons
          : this.files.db;
      throw new CorruptStateError(file, message, { cause: error });
    }
    this.cutLessons = cutOversizedLessons(data.learning);
    // Whatever was read is what is on disk, so an unchanged write skips the lessons. Not so for a version 2 db.json
    // (lessons inline), a lesson cut just now, or a changes file with a torn or stale line: those rewrite lessons.json.
    this.#snapshot.reset(data.learning.lessons, data.learning.nextLessonId);
    this.#generation = base?.generation ?? 0;
    this.#lessonsChars = lessonsText?.length ?? 0;
    this.#changesChars = changesText?.length ?? 0;
    this.#rewriteLessons =
      lessonsText === undefined || this.cutLessons.length > 0 || replayed?.torn === true || replayed?.stale === true;
    this.#dbText = undefined;
    this.#markerText = markerText;
    return data;
  }

  /**
   * Writes what changed. With `after`, nothing reaches disk before it settles (and nothing at all if it rejects), while
   * the comparing and serializing, done now, overlap it: a cycle passes the flush of its episodes, which its record
   * refers to, so on an SD card the flush and the lessons diff run side by side.
   */
  write(data: DbData, after?: Promise<void>): Promise<void> {
    const change = this.#snapshot.diff(data.learning.lessons, data.learning.nextLessonId);
    const lessonsWrite = this.#planLessonsWrite(data.learning, change);
    const dbText = serializeRest(data);
    const markerText = serializeMarker(data);
    return this.#enqueue(async () => {
      const markerChanged = markerText !== this.#markerText;
      try {
        await after;
        if (markerChanged && markerText !== undefined) await this.#writeMarkerText(markerText);
      } catch (error) {
        // The lessons' write was planned (its bookkeeping moved on) but never made: only a whole rewrite next time
        // leaves the files certain again.
        if (lessonsWrite !== undefined) this.#rewriteLessons = true;
        throw error;
      }
      if (lessonsWrite !== undefined) {
        await lessonsWrite();
        this.#snapshot.commit(change);
      }
      if (dbText !== this.#dbText) {
        await writeFileDurably(this.files.db, dbText);
        this.#dbText = dbText;
      }
      if (markerChanged && markerText === undefined) await this.#writeMarkerText(undefined);
    });
  }

  /**
   * Decides now (the data is live) how the lessons reach disk: nothing, one appended line of the changed ones, or
   * lessons.json rewritten whole with the next generation and the changes file removed. Serialises what it writes.
   */
  #planLessonsWrite(learning: LearningData, change: LessonsChange): (() => Promise<void>) | undefined {
    const changed = change.changed.length > 0 || change.removed.length > 0 || change.counterMoved || change.reordered;
    if (!changed && !this.#rewriteLessons) return undefined;
    if (!this.#rewriteLessons && !change.reordered) {
      const line = `${JSON.stringify({ generation: this.#generation, nextLessonId: learning.nextLessonId, set: change.changed, removed: change.removed })}\n`;
      if (this.#changesChars + line.length <= this.#lessonsChars * CHANGES_SHARE) {
        this.#changesChars += line.length;
        const created = this.#changesChars === line.length;
        return async () => {
          try {
            await appendFileDurably(this.files.lessonChanges, line);
            if (created) await fsyncDir(path.dirname(this.files.lessonChanges));
          } catch (error) {
            // A part of the line may have landed: only a whole rewrite leaves the files certain again.
            this.#rewriteLessons = true;
            throw error;
          }
        };
      }
    }
    const generation = this.#generation + 1;
    const text = serializeLessons(learning, generation);
    this.#generation = generation;
    this.#lessonsChars = text.length;
    this.#changesChars = 0;
    this.#rewriteLessons = false;
    return async () => {
      try {
        await writeFileDurably(this.files.lessons, text);
        // Lines of the older generation are ignored from here on, so a crash before this removal loses nothing.
        await rm(this.files.lessonChanges, { force: true });
        await fsyncDir(path.dirname(this.files.lessonChanges));
      } catch (error) {
        this.#rewriteLessons = true;
        throw error;
      }
    };
  }

  /** Writes or removes only cycle.json, to match `data.cycle.inProgress`. */
  writeMarker(data: DbData): Promise<void> {
    const markerText = serializeMarker(data);
    return this.#enqueue(async () => {
      if (markerText !== this.#markerText) await this.#writeMarkerText(markerText);
    });
  }

  async #writeMarkerText(text: string | undefined): Promise<void> {
    if (text !== undefined) await writeFileDurably(this.files.marker, text);
    // No directory fsync for the removal: a power cut that undoes it leaves a marker whose cycle db.json already
    // records, and the next cycle only clears it (recordInterruptedCycle). One flush less per cycle on an SD card.
    else await rm(this.files.marker, { force: true });
    this.#markerText = text;
  }

  #enqueue(run: () => Promise<void>): Promise<void> {
    // Runs after the previous write whether it failed or not; its failure was already delivered to its own caller.
    const thisWrite = this.#lastWrite.then(run, run);
    this.#lastWrite = thisWrite;
    return thisWrite;
  }
}

/**
 * Longest lesson text kept, in characters: what the inbox takes from one message, and far more than any prompt shows.
 * Only a hand-edited or damaged lessons.json holds longer ones.
 */
export const MAX_LESSON_TEXT_CHARS = 16_384;

/** Cuts every lesson text longer than {@link MAX_LESSON_TEXT_CHARS}, marking the cut; returns the ids of those cut. */
function cutOversizedLessons(learning: LearningData): string[] {
  const cut: string[] = [];
  for (const lesson of learning.lessons) {
    if (lesson.text.length <= MAX_LESSON_TEXT_CHARS) continue;
    const marker = `…[cut ${lesson.text.length} chars]`;
    let end = MAX_LESSON_TEXT_CHARS - marker.length;
    const code = lesson.text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    lesson.text = lesson.text.slice(0, end) + marker;
    cut.push(lesson.id);
  }
  return cut;
}

/** lessons.json's text: the header on the first line, then one compact lesson per line. */
export function serializeLessons(learning: LearningData, generation: number): string {
  const lines = learning.lessons.map((lesson) => JSON.stringify(lesson));
  return `{"version":${LESSONS_FILE_VERSION},"nextLessonId":${learning.nextLessonId},"generation":${generation},"lessons":[${lines.length > 0 ? `\n${lines.join(",\n")}\n` : ""}]}\n`;
}

/** db.json's text: everything but the lessons (counted, so a lost lessons.json is noticed) and the marker. */
function serializeRest(data: DbData): string {
  const { inProgress: _marker, ...cycle } = data.cycle;
  const { lessons, ...learning } = data.learning;
  return `${JSON.stringify({ ...data, cycle, learning: { ...learning, lessonCount: lessons.length } }, null, 2)}\n`;
}

function serializeMarker(data: DbData): string | undefined {
  const marker = data.cycle.inProgress;
  return marker === undefined
    ? undefined
    : `${JSON.stringify({ version: CYCLE_MARKER_VERSION, inProgress: marker })}\n`;
}

interface LessonsParts {
  generation: number;
  nextLessonId: number;
  lessons: unknown[];
}

function parseLessonsFile(file: string, text: string): LessonsParts {
  const value = parseJsonObject(file, text) as {
    version?: unknown;
    nextLessonId?: unknown;
    generation?: unknown;
    lessons?: unknown;
  };
  if (value.version !== LESSONS_FILE_VERSION)
    throw new CorruptStateError(
      file,
      `unknown version ${JSON.stringify(value.version) ?? "undefined"} (this code reads version ${LESSONS_FILE_VERSION})`,
    );
  if (!Array.isArray(value.lessons)) throw new CorruptStateError(file, "schema mismatch at lessons: expected an array");
  if (!isWholeNumber(value.nextLessonId, 1))
    throw new CorruptStateError(file, "schema mismatch at nextLessonId: expected a whole number ≥ 1");
  // Written before lessons-changes.jsonl existed: generation 0.
  if (value.generation !== undefined && !isWholeNumber(value.generation, 0))
    throw new CorruptStateError(file, "schema mismatch at generation: expected a whole number ≥ 0");
  return {
    generation: (value.generation as number | undefined) ?? 0,
    nextLessonId: value.nextLessonId as number,
    lessons: value.lessons,
  };
}

/**
 * Applies lessons-changes.jsonl's lines of `base`'s generation over a copy of `base`'s lessons. A last line with no
 * newline is a write cut off by a crash (`torn`, dropped); a whole line that is not a change is corruption.
 */
function replayLessonChanges(
  file: string,
  text: string,
  base: LessonsParts,
): { lessons: LessonsParts; torn: boolean; stale: boolean; applied: boolean } {
  const lines = text.split("\n");
  const last = lines.pop() ?? "";
  const torn = last !== "";
  const lessons = [...base.lessons];
  const at = new Map<string, number>();
  lessons.forEach((lesson, index) => {
    const id = (lesson as { id?: unknown } | null)?.id;
    if (typeof id === "string") at.set(id, index);
  });
  let nextLessonId = base.nextLessonId;
  let stale = false;
  let applied = false;
  let removedAny = false;
  for (const [index, line] of lines.entries()) {
    if (line === "") continue;
    const change = parseJsonObject(file, line) as {
      generation?: unknown;
      nextLessonId?: unknown;
      set?: unknown;
      removed?: unknown;
    };
    const where = `line ${index + 1}`;
    if (
      !isWholeNumber(change.generation, 0) ||
      !isWholeNumber(change.nextLessonId, 1) ||
      !Array.isArray(change.set) ||
      !Array.isArray(change.removed)
    ) {
      throw new CorruptStateError(
        file,
        `schema mismatch at ${where}: expected {generation, nextLessonId, set: [lessons], removed: [ids]}`,
      );
    }
    if (change.generation !== base.generation) {
      stale = true;
      continue;
    }
    applied = true;
    for (const id of change.removed) {
      if (typeof id !== "string")
        throw new CorruptStateError(file, `schema mismatch at ${where}: a removed id is not a string`);
      const found = at.get(id);
      if (found === undefined) continue;
      lessons[found] = undefined;
      at.delete(id);
      removedAny = true;
    }
    for (const lesson of change.set) {
      const id = (lesson as { id?: unknown } | null)?.id;
      if (typeof id !== "string")
        throw new CorruptStateError(file, `schema mismatch at ${where}: a lesson without an id`);
      const found = at.get(id);
      if (found !== undefined) lessons[found] = lesson;
      else at.set(id, lessons.push(lesson) - 1);
    }
    nextLessonId = Math.max(nextLessonId, change.nextLessonId as number);
  }
  return {
    lessons: {
      generation: base.generation,
      nextLessonId,
      lessons: removedAny ? lessons.filter((lesson) => lesson !== undefined) : lessons,
    },
    torn,
    stale,
    applied,
  };
}

function isWholeNumber(value: unknown, least: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= least;
}

const markerFileSchema = v.object({ inProgress: cycleMarkerSchema });

/** The marker in cycle.json, checked by the db's own schema for it: one the db would refuse is this file's fault. */
function parseMarkerFile(file: string, text: string): CycleMarker {
  const value = parseJsonObject(file, text) as { version?: unknown; inProgress?: unknown };
  if (value.version !== CYCLE_MARKER_VERSION)
    throw new CorruptStateError(
      file,
      `unknown version ${JSON.stringify(value.version) ?? "undefined"} (this code reads version ${CYCLE_MARKER_VERSION})`,
    );
  const result = v.safeParse(markerFileSchema, value);
  if (!result.success) throw new CorruptStateError(file, `schema mismatch at ${describeSchemaIssue(result.issues[0])}`);
  return result.output.inProgress;
}

function parseJson(file: string, text: string): unknown {
  if (text.trim() === "") throw new CorruptStateError(file, "empty file");
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new CorruptStateError(file, `invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  // Read once, such a file could never be written again (JSON.stringify recurses): every later cycle would fail.
  if (checkJsonTooDeep(value))
    throw new CorruptStateError(file, `nested more than ${MAX_STATE_JSON_DEPTH} levels deep`);
  return value;
}

/** {@link parseJson} for a file whose top level must be an object (`null`, an array or a number is corrupt, not a crash). */
function parseJsonObject(file: string, text: string): Record<string, unknown> {
  const value = parseJson(file, text);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CorruptStateError(file, "schema mismatch: expected a JSON object at the top level");
  return value as Record<string, unknown>;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
