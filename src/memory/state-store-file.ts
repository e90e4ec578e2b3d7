// The lowdb adapter of the db: db.json (everything but the lessons, pretty), lessons.json (one lesson per line) and cycle.json (the marker of a running cycle); each written durably, and only when its content changed.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Adapter } from "lowdb";
import type { LearningData } from "../learning/types.js";
import { createDefaultDbData, parseDbData, type DbData, type StoredParts } from "./db.js";
import { CorruptStateError } from "./durable-json-file.js";
import { fsyncDir, writeFileDurably } from "./durable-write.js";
import { checkJsonTooDeep, MAX_STATE_JSON_DEPTH } from "./json-depth.js";
import { lessonsSignature } from "./lessons-signature.js";

/** The lessons.json format version this code reads and writes. */
export const LESSONS_FILE_VERSION = 1;
/** The cycle.json format version this code reads and writes. */
export const CYCLE_MARKER_VERSION = 1;

/** The three files of the db. */
export interface StoreFiles {
  db: string;
  lessons: string;
  marker: string;
}

/**
 * lowdb `Adapter<DbData>` over three files, so a cycle rewrites only what it changed:
 * - `db.json`: the db without the lessons and without the in-progress marker, pretty-printed (small, read by people);
 * - `lessons.json`: `{"version":1,"nextLessonId":N,"lessons":[` and then one lesson per line: compact, and a history
 *   diff shows one line per changed lesson. Rewritten only when {@link lessonsSignature} changed since the last
 *   read or write, so a cycle that learned nothing does not serialize thousands of lessons;
 * - `cycle.json`: `{"version":1,"inProgress":{…}}` while a cycle runs, removed when it ends.
 *
 * `read` throws {@link CorruptStateError} naming the one file that is unusable, so the caller can move that file
 * aside and read again; a missing file reads as absent. Writes run one at a time, in call order, and are serialised
 * when called (lowdb hands over its live object). Order within a write: a new marker first (a crash after it is
 * noticed), then lessons.json, db.json, and the marker's removal last (a crash before it is noticed too; the next
 * start sees the cycle already recorded and only clears the marker).
 */
export class StateStoreFile implements Adapter<DbData> {
  readonly files: StoreFiles;
  /** Things worth telling the operator found by the last `read` (e.g. a lessons.json gone missing). */
  readWarnings: string[] = [];
  /** Ids of the lessons whose text the last `read` cut to {@link MAX_LESSON_TEXT_CHARS}; lessons.json still holds them whole. */
  cutLessons: string[] = [];
  #lastWrite: Promise<void> = Promise.resolve();
  /** What the files on disk hold, as far as this process wrote or read them; undefined: unknown, write it. */
  #lessonsSignature: string | undefined;
  #dbText: string | undefined;
  #markerText: string | undefined;

  constructor(files: StoreFiles) {
    this.files = files;
  }

  async read(): Promise<DbData | null> {
    this.readWarnings = [];
    const [dbText, lessonsText, markerText] = await Promise.all([readOptional(this.files.db), readOptional(this.files.lessons), readOptional(this.files.marker)]);
    if (dbText === undefined && lessonsText === undefined && markerText === undefined) return null;
    const parts: StoredParts = {};
    if (lessonsText !== undefined) parts.lessons = parseLessonsFile(this.files.lessons, lessonsText);
    if (markerText !== undefined) parts.inProgress = parseMarkerFile(this.files.marker, markerText);
    const dbValue = dbText === undefined ? createDefaultDbData() : parseJson(this.files.db, dbText);
    const expected = (dbValue as { learning?: { lessonCount?: unknown } }).learning?.lessonCount;
    if (lessonsText === undefined && typeof expected === "number" && expected > 0) {
      this.readWarnings.push(`db: ${this.files.lessons} is missing but db.json counts ${expected} lessons; going on without them (\`apprentice rollback\` restores them from the history)`);
    }
    let data: DbData;
    try {
      data = parseDbData(dbValue, parts);
    } catch (error) {
      // The lessons are checked with the rest; say which file a bad lesson came from.
      const message = (error as Error).message;
      const file = lessonsText !== undefined && message.includes("learning.lessons") ? this.files.lessons : this.files.db;
      throw new CorruptStateError(file, message, { cause: error });
    }
    this.cutLessons = cutOversizedLessons(data.learning);
    // Whatever was read is what is on disk: an unchanged write skips it. A version 2 db.json (lessons inline) is not,
    // and neither is a lesson cut just now.
    this.#lessonsSignature = lessonsText !== undefined && this.cutLessons.length === 0 ? lessonsSignature(data.learning) : undefined;
    this.#dbText = undefined;
    this.#markerText = markerText;
    return data;
  }

  write(data: DbData): Promise<void> {
    const signature = lessonsSignature(data.learning);
    const lessonsText = signature !== this.#lessonsSignature ? serializeLessons(data.learning) : undefined;
    const dbText = serializeRest(data);
    const markerText = serializeMarker(data);
    return this.#enqueue(async () => {
      const markerChanged = markerText !== this.#markerText;
      if (markerChanged && markerText !== undefined) await this.#writeMarkerText(markerText);
      if (lessonsText !== undefined) {
        await writeFileDurably(this.files.lessons, lessonsText);
        this.#lessonsSignature = signature;
      }
      if (dbText !== this.#dbText) {
        await writeFileDurably(this.files.db, dbText);
        this.#dbText = dbText;
      }
      if (markerChanged && markerText === undefined) await this.#writeMarkerText(undefined);
    });
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
    else {
      await rm(this.files.marker, { force: true });
      await fsyncDir(path.dirname(this.files.marker));
    }
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
export function serializeLessons(learning: LearningData): string {
  const lines = learning.lessons.map((lesson) => JSON.stringify(lesson));
  return `{"version":${LESSONS_FILE_VERSION},"nextLessonId":${learning.nextLessonId},"lessons":[${lines.length > 0 ? `\n${lines.join(",\n")}\n` : ""}]}\n`;
}

/** db.json's text: everything but the lessons (counted, so a lost lessons.json is noticed) and the marker. */
function serializeRest(data: DbData): string {
  const { inProgress: _marker, ...cycle } = data.cycle;
  const { lessons, ...learning } = data.learning;
  return `${JSON.stringify({ ...data, cycle, learning: { ...learning, lessonCount: lessons.length } }, null, 2)}\n`;
}

function serializeMarker(data: DbData): string | undefined {
  const marker = data.cycle.inProgress;
  return marker === undefined ? undefined : `${JSON.stringify({ version: CYCLE_MARKER_VERSION, inProgress: marker })}\n`;
}

function parseLessonsFile(file: string, text: string): NonNullable<StoredParts["lessons"]> {
  const value = parseJsonObject(file, text) as { version?: unknown; nextLessonId?: unknown; lessons?: unknown };
  if (value.version !== LESSONS_FILE_VERSION) throw new CorruptStateError(file, `unknown version ${JSON.stringify(value.version) ?? "undefined"} (this code reads version ${LESSONS_FILE_VERSION})`);
  if (!Array.isArray(value.lessons)) throw new CorruptStateError(file, "schema mismatch at lessons: expected an array");
  if (typeof value.nextLessonId !== "number" || !Number.isInteger(value.nextLessonId) || value.nextLessonId < 1) throw new CorruptStateError(file, "schema mismatch at nextLessonId: expected a whole number ≥ 1");
  return { nextLessonId: value.nextLessonId, lessons: value.lessons as unknown[] };
}

function parseMarkerFile(file: string, text: string): NonNullable<StoredParts["inProgress"]> {
  const value = parseJsonObject(file, text) as { version?: unknown; inProgress?: { cycle?: unknown; startedAt?: unknown; pid?: unknown } | null };
  if (value.version !== CYCLE_MARKER_VERSION) throw new CorruptStateError(file, `unknown version ${JSON.stringify(value.version) ?? "undefined"} (this code reads version ${CYCLE_MARKER_VERSION})`);
  const marker = value.inProgress;
  if (typeof marker !== "object" || marker === null || !Number.isInteger(marker.cycle) || typeof marker.startedAt !== "string" || !Number.isInteger(marker.pid)) {
    throw new CorruptStateError(file, "schema mismatch at inProgress: expected {cycle, startedAt, pid}");
  }
  return { cycle: marker.cycle as number, startedAt: marker.startedAt, pid: marker.pid as number };
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
  if (checkJsonTooDeep(value)) throw new CorruptStateError(file, `nested more than ${MAX_STATE_JSON_DEPTH} levels deep`);
  return value;
}

/** {@link parseJson} for a file whose top level must be an object (`null`, an array or a number is corrupt, not a crash). */
function parseJsonObject(file: string, text: string): Record<string, unknown> {
  const value = parseJson(file, text);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CorruptStateError(file, "schema mismatch: expected a JSON object at the top level");
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
