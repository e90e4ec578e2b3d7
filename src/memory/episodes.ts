// The append-only episodes.jsonl log: one JSON object per line, appended, rewritten only to cut it to size (keeping the newest and every cited episode); a torn last line is cut off and saved aside, never dropped.
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import type { FileHandle } from "node:fs/promises";
import { createInterface } from "node:readline";
import * as v from "valibot";
import { actionKeySchema } from "../learning/types.js";
import type { Logger } from "../log.js";
import { describeSchemaIssue } from "../validation/describe-schema-issue.js";
import { finiteNumber, wholeNumber } from "../validation/numbers.js";
import { plainObject } from "../validation/plain-object.js";
import { crashPoint, crashPointInsideAppend, fsyncDir, TEMP_SUFFIX, writeFileDurably } from "./durable-write.js";
import { pickStampedPath } from "./quarantine.js";

/** Longest `output` (and `error`) kept in one episode line, in characters. */
export const MAX_EPISODE_OUTPUT_CHARS = 2000;

const count = wholeNumber(0);

const decisionUsageSchema = v.object({
  promptTokens: count,
  evaluatedPromptTokens: count,
  generatedTokens: count,
  durationMs: finiteNumber,
  firstTokenMs: v.optional(finiteNumber),
  droppedSteps: count,
  cutSections: v.array(v.string()),
  // The ledger leaves these three off the lines it writes (the cycle's `tokens` record in db.json holds them, and
  // episodes.jsonl is cut by size); a line that carries them reads.
  promptParts: v.optional(
    v.object({
      sections: v.array(v.object({ id: v.string(), tokens: count })),
      turns: count,
      request: count,
      frame: wholeNumber(),
    }),
  ),
  contextSize: v.optional(count),
  promptPartsMs: v.optional(finiteNumber),

  prefixCache: v.optional(
    v.object({
      outcome: v.picklist(["hit", "extended", "written", "over-cap", "failed"]),
      prefixTokens: count,
      loadedTokens: v.optional(count),
      stateFileBytes: v.optional(count),
      loadMs: v.optional(finiteNumber),
      prefixEvalMs: v.optional(finiteNumber),
      extendEvalMs: v.optional(finiteNumber),
      saveMs: v.optional(finiteNumber),
      rejected: v.optional(v.string()),
    }),
  ),
});

// Every field a writer puts on a line is named here, so the types below are the one definition of a line. The reader
// checks them all and keeps any other field as is (a newer version's, or a test's).
const episodeEntries = {
  v: v.literal(1),
  /** `step`: an action of the loop (the model's, a replay's or a retest's); `check`: a goal's check. Absent in hand-made lines. */
  kind: v.optional(v.picklist(["step", "check"])),
  /** `c<cycle>s<step>` for a step, `check-<goal>-<at>` for a check. */
  id: v.string(),
  cycle: finiteNumber,
  /** 1-based step number within the cycle; 0 for a check. */
  step: finiteNumber,
  /** ISO time the line was written. */
  at: v.string(),
  /** The goal the step was taken for, or the goal checked; absent with no goal. */
  goal: v.optional(v.string()),
  /** The tool (`check` for a goal's check). */
  tool: v.string(),
  /** The tool's arguments as given (for a check, `{command}`). */
  args: plainObject,
  thought: v.optional(v.string()),
  ok: v.boolean(),
  error: v.optional(v.string()),
  /** World text that tells the failure apart (a command's first stderr line): in the signature, never in `error`. */
  detail: v.optional(v.string()),
  /** The normalised failure text. */
  signature: v.optional(v.string()),
  output: v.optional(v.string()),
  durationMs: finiteNumber,
  /** The step read world content (files, command output). */
  fromWorld: v.optional(v.boolean()),
  /** Workspace paths the step touched. */
  touched: v.optional(v.array(v.string())),
  /** The model's output did not validate against the action grammar; `raw` holds it. */
  invalidOutput: v.optional(v.boolean()),
  raw: v.optional(v.string()),
  /** Token and time accounting of the decision. */
  usage: v.optional(decisionUsageSchema),
  /** Normalized action (absent for invalid output). */
  action: v.optional(actionKeySchema),
  /** The world fingerprint the action met. */
  fingerprint: v.optional(v.string()),
  /** Workspace fingerprint before the step. */
  world: v.optional(v.string()),
  /** The workspace differed after the step (only checked for effect tools that succeeded). */
  changedWorld: v.optional(v.boolean()),
  /** With `changedWorld`: the workspace-relative paths the step added, removed or changed, sorted, when known. */
  changedPaths: v.optional(v.array(v.string())),
  /** This execution was the one retest allowed after a mask's cooldown. */
  retest: v.optional(v.boolean()),
  /** Refused because a lesson masks it; nothing was executed. */
  blocked: v.optional(v.boolean()),
  /** Replayed from this skill, without the model. */
  replay: v.optional(v.string()),
  /** With `replay`: part of a leaner trial of the skill, run without its step of this number (1-based). */
  replayWithout: v.optional(finiteNumber),
  /** Lesson ids the model cited. */
  cite: v.optional(v.array(v.string())),
};

const episodeLineSchema = v.looseObject(episodeEntries);

/** One action the agent took, or one goal check: the fields this version writes on a line of the log. */
export type EpisodeRecord = v.InferOutput<v.ObjectSchema<typeof episodeEntries, undefined>>;

/** A line of the log: an {@link EpisodeRecord} plus any other field it carries, kept as is. */
export type EpisodeLine = v.InferOutput<typeof episodeLineSchema>;

/** An open episodes log. Appends run one at a time, in call order. */
export interface EpisodeLog {
  /** Appends one line with a plain write(2): it survives a process kill, not a power cut until {@link sync}. */
  append(record: EpisodeLine): Promise<void>;
  /** Fsyncs the log; call once per cycle. */
  sync(): Promise<void>;
  /** Waits for pending appends and closes the file. */
  close(): Promise<void>;
  /**
   * When the log is larger than `maxBytes`, rewrites it (temp file, fsync, rename, fsync dir) with its newest lines
   * up to half of `maxBytes` and, from the older ones, only those whose id `keep()` holds (evidence lessons, skills
   * and situations cite; asked for only when a cut is due). Appends wait for it. Returns the sizes, or `undefined`
   * when the log was small enough.
   */
  trim(
    maxBytes: number,
    keep: () => ReadonlySet<string>,
  ): Promise<{ beforeBytes: number; afterBytes: number; keptCited: number } | undefined>;
}

/**
 * Opens (creating if needed) the episodes log for appending.
 * If the file ends in a torn line, the first append starts on a new line so a good record is never glued to it;
 * run {@link repairTornTail} before opening to cut the torn bytes off and save them aside.
 */
export async function openEpisodeLog(file: string, deps: { logger: Logger }): Promise<EpisodeLog> {
  let handle = await open(file, "a+", 0o644);
  let needsLeadingNewline = false;
  try {
    needsLeadingNewline = !(await checkEndsWithNewline(handle));
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (needsLeadingNewline) {
    deps.logger.warn(`episodes: ${file} ends in a partial line; new records start on the next line`);
  }
  let last: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    // Runs after the previous task whether it failed or not; that failure went to its own caller.
    const next = last.then(task, task);
    last = next;
    return next;
  };
  return {
    append(record) {
      const line = `${needsLeadingNewline ? "\n" : ""}${JSON.stringify(capEpisodeFields(record))}\n`;
      needsLeadingNewline = false;
      return enqueue(async () => {
        crashPointInsideAppend("episodes.jsonl: half a line", handle.fd, line);
        await handle.appendFile(line, "utf8");
        crashPoint("episodes.jsonl: line appended, not synced");
      });
    },
    sync() {
      return enqueue(() => handle.sync());
    },
    close() {
      return enqueue(() => handle.close());
    },
    trim(maxBytes, keep) {
      return enqueue(async () => {
        const { size } = await handle.stat();
        if (size <= maxBytes) return undefined;
        await handle.sync();
        const trimmed = await rewriteKeeping(file, size - Math.floor(maxBytes / 2), keep());
        const reopened = await open(file, "a+", 0o644);
        await handle.close();
        handle = reopened;
        return { beforeBytes: size, ...trimmed };
      });
    },
  };
}

/**
 * Rewrites `file` durably with the lines that start at or after byte `cutoff`, and the earlier lines whose top-level
 * `id` is in `keep`. Streams, so a 64 MB log never sits in memory whole.
 */
async function rewriteKeeping(
  file: string,
  cutoff: number,
  keep: ReadonlySet<string>,
): Promise<{ afterBytes: number; keptCited: number }> {
  const temp = `${file}${TEMP_SUFFIX}`;
  const out = createWriteStream(temp, { flags: "w", mode: 0o644 });
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let position = 0;
  let afterBytes = 0;
  let keptCited = 0;
  try {
    for await (const line of lines) {
      const start = position;
      position += Buffer.byteLength(line) + 1;
      if (start < cutoff) {
        const id = recordId(line);
        if (id === undefined || !keep.has(id)) continue;
        keptCited += 1;
      }
      afterBytes += Buffer.byteLength(line) + 1;
      if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    out.end();
    await finished(out);
    const handle = await open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    crashPoint("episodes.jsonl: cut copy synced, not renamed");
    await rename(temp, file);
    await fsyncDir(path.dirname(file));
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  return { afterBytes, keptCited };
}

/** The `id` of an episode line, or `undefined` for a line that is not a JSON object with a string id. */
function recordId(line: string): string | undefined {
  try {
    const record: unknown = JSON.parse(line);
    const id = typeof record === "object" && record !== null ? (record as { id?: unknown }).id : undefined;
    return typeof id === "string" ? id : undefined;
  } catch {
    // An unreadable old line is dropped with the rest of the old lines.
    return undefined;
  }
}

async function checkEndsWithNewline(handle: FileHandle): Promise<boolean> {
  const { size } = await handle.stat();
  if (size === 0) return true;
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, size - 1);
  return byte[0] === 0x0a;
}

function capEpisodeFields(record: EpisodeLine): EpisodeLine {
  const capped: EpisodeLine = { ...record };
  if (typeof capped.output === "string") capped.output = capText(capped.output, MAX_EPISODE_OUTPUT_CHARS);
  if (typeof capped.error === "string") capped.error = capText(capped.error, MAX_EPISODE_OUTPUT_CHARS);
  return capped;
}

/** Cuts `text` to at most `maxChars` UTF-16 units, marking the cut and never splitting a surrogate pair. */
function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = `…[cut ${text.length} chars]`;
  let end = maxChars - marker.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker;
}

/**
 * If `file` does not end with a newline, truncates it to just after its last newline. The cut bytes are first
 * saved durably to `<file>.torn-<ts>`, so a crash between the two steps duplicates them rather than losing them.
 * A missing or empty file needs no repair.
 */
export async function repairTornTail(
  file: string,
  deps: { logger: Logger; clock: () => Date },
): Promise<{ repaired: boolean; bytesCut: number; savedTo?: string }> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { repaired: false, bytesCut: 0 };
    throw error;
  }
  try {
    if (await checkEndsWithNewline(handle)) return { repaired: false, bytesCut: 0 };
    const { size } = await handle.stat();
    const keepBytes = (await findLastNewline(handle, size)) + 1;
    const torn = Buffer.alloc(size - keepBytes);
    await handle.read(torn, 0, torn.length, keepBytes);
    const savedTo = await pickStampedPath(`${file}.torn`, deps.clock);
    await writeFileDurably(savedTo, torn);
    await handle.truncate(keepBytes);
    await handle.sync();
    deps.logger.warn(`episodes: cut a torn last line of ${torn.length} bytes from ${file}; saved it to ${savedTo}`);
    return { repaired: true, bytesCut: torn.length, savedTo };
  } finally {
    await handle.close();
  }
}

/**
 * The cycle number of the last well-formed line of `file`, or undefined for a missing or empty log. Reads only the
 * last 64 KB, so it costs the same for ten episodes as for a million.
 */
export async function readLastEpisodeCycle(file: string): Promise<number | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    const lines = tail.toString("utf8").split("\n");
    for (let index = lines.length - 1; index >= 0; index -= 1) {
      const line = lines[index]?.trim() ?? "";
      if (line.length === 0) continue;
      try {
        const parsed = v.safeParse(episodeLineSchema, JSON.parse(line));
        if (parsed.success) return parsed.output.cycle;
      } catch {
        // A partial first line of the window, or a torn one: look further back.
      }
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Offset of the last `\n` before `size`, or -1; reads backwards in chunks so a big log is not loaded whole. */
async function findLastNewline(handle: FileHandle, size: number): Promise<number> {
  const chunkBytes = 64 * 1024;
  const chunk = Buffer.alloc(chunkBytes);
  for (let end = size; end > 0; end -= chunkBytes) {
    const start = Math.max(0, end - chunkBytes);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const index = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (index !== -1) return start + index;
  }
  return -1;
}

/** What {@link readEpisodes} found. */
export interface EpisodeReadResult {
  /** Parsed lines, in file order. */
  records: EpisodeLine[];
  /** Non-blank lines that were not valid JSON or not an episode record (torn, hand-edited, another version). */
  skippedLines: number;
  /** Why lines were skipped: the first {@link MAX_SKIP_REASONS} of them, 1-based line numbers. */
  skipped: Array<{ lineNumber: number; reason: string }>;
}

/** How many skipped lines {@link readEpisodes} describes individually. */
export const MAX_SKIP_REASONS = 10;

/**
 * Reads the log, streaming it line by line. Unusable lines are counted and skipped, never thrown.
 * `sinceCycle` keeps only records with `cycle >= sinceCycle`. A missing file reads as empty.
 */
export async function readEpisodes(file: string, options: { sinceCycle?: number } = {}): Promise<EpisodeReadResult> {
  const result: EpisodeReadResult = { records: [], skippedLines: 0, skipped: [] };
  try {
    await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return result;
    throw error;
  }
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === "") continue;
    const parsed = parseEpisodeLine(line);
    if (!parsed.ok) {
      result.skippedLines += 1;
      if (result.skipped.length < MAX_SKIP_REASONS) result.skipped.push({ lineNumber, reason: parsed.reason });
      continue;
    }
    if (options.sinceCycle !== undefined && parsed.record.cycle < options.sinceCycle) continue;
    result.records.push(parsed.record);
  }
  return result;
}

/** Parses one log line; a bad line is an expected outcome, returned with its reason. */
function parseEpisodeLine(line: string): { ok: true; record: EpisodeLine } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const result = v.safeParse(episodeLineSchema, value);
  if (result.success) return { ok: true, record: result.output };
  return { ok: false, reason: `not an episode record: ${describeSchemaIssue(result.issues[0], "(line)")}` };
}
