// The event feed: state/events.jsonl, one brief line per cycle event, appended as the events happen, so `log --follow` and `serve` in other processes can show a running cycle; a window for watching, never a record (those are db.json, episodes and the journal).
import { appendFile, open, rename, stat } from "node:fs/promises";
import path from "node:path";
import * as v from "valibot";
import type { Logger } from "../log.js";
import { ifMissing } from "../memory/if-missing.js";
import { describeError } from "../text/describe-error.js";
import type { CycleEvent } from "./cycle-event.js";
import type { CycleEvents } from "./cycle-events.js";

/** The feed's file in the state dir. */
export const EVENT_FEED_FILE = "events.jsonl";
/** At a cycle's start, a feed past this size becomes `events.1.jsonl` (replacing the one before) and a new one starts. */
export const EVENT_FEED_ROTATE_BYTES = 256 * 1024;
/** Characters kept of a text field (an error, a summary, a reason) in a feed line. */
const TEXT_CHARS = 200;

const text = v.pipe(v.string(), v.maxLength(TEXT_CHARS * 4));
/** One feed line: a {@link CycleEvent} in brief (no outputs, texts cut), with the time it was emitted. */
const feedLineSchema = v.variant("type", [
  v.object({ type: v.literal("cycle-began"), at: v.string(), cycle: v.number(), startedAt: v.string() }),
  v.object({ type: v.literal("model-loaded"), at: v.string(), cycle: v.number(), loadMs: v.number() }),
  v.object({
    type: v.literal("step-decided"),
    at: v.string(),
    cycle: v.number(),
    step: v.number(),
    goal: v.optional(text),
    tool: text,
  }),
  v.object({
    type: v.literal("tool-done"),
    at: v.string(),
    cycle: v.number(),
    step: v.number(),
    goal: v.optional(text),
    tool: text,
    ok: v.boolean(),
    durationMs: v.number(),
    error: v.optional(text),
    how: v.optional(v.picklist(["replay", "retest", "blocked"])),
  }),
  v.object({
    type: v.literal("check-done"),
    at: v.string(),
    cycle: v.number(),
    beforeCycle: v.optional(v.literal(true)),
    goal: text,
    passed: v.boolean(),
    detail: text,
  }),
  v.object({
    type: v.literal("lesson-changed"),
    at: v.string(),
    cycle: v.number(),
    id: text,
    change: text,
    reason: text,
  }),
  v.object({ type: v.literal("model-unloaded"), at: v.string(), cycle: v.number() }),
  v.object({
    type: v.literal("cycle-recorded"),
    at: v.string(),
    cycle: v.number(),
    status: text,
    durationMs: v.number(),
    summary: v.optional(text),
  }),
  v.object({ type: v.literal("cycle-skipped"), at: v.string(), reason: text, detail: text }),
]);

/** One line of the feed, as written and as read back. */
export type FeedLine = v.InferOutput<typeof feedLineSchema>;

/** `event` in brief, stamped `at` (ISO): what a watcher needs to follow the cycle, without outputs or long texts. */
export function briefEvent(event: CycleEvent, at: string): FeedLine {
  const cut = (value: string): string => (value.length > TEXT_CHARS ? `${value.slice(0, TEXT_CHARS - 1)}…` : value);
  switch (event.type) {
    case "tool-done": {
      const { record } = event;
      const how =
        record.replay !== undefined
          ? "replay"
          : record.retest === true
            ? "retest"
            : record.blocked
              ? "blocked"
              : undefined;
      return {
        type: event.type,
        at,
        cycle: event.cycle,
        step: record.step,
        ...(record.goal !== undefined ? { goal: cut(record.goal) } : {}),
        tool: cut(record.tool),
        ok: record.ok,
        durationMs: record.durationMs,
        ...(record.error !== undefined ? { error: cut(record.error) } : {}),
        ...(how !== undefined ? { how } : {}),
      };
    }
    case "check-done":
      return {
        type: event.type,
        at,
        cycle: event.cycle,
        ...(event.beforeCycle ? { beforeCycle: true } : {}),
        goal: cut(event.goal),
        passed: event.result.passed,
        detail: cut(event.detail),
      };
    case "lesson-changed":
      return {
        type: event.type,
        at,
        cycle: event.cycle,
        id: cut(event.delta.id),
        change: cut(event.delta.change),
        reason: cut(event.delta.reason),
      };
    case "cycle-recorded": {
      const { journalFile: _journal, summary, ...rest } = event;
      return { ...rest, at, ...(summary !== undefined ? { summary: cut(summary) } : {}) };
    }
    case "step-decided":
      return { ...event, at, tool: cut(event.tool), ...(event.goal !== undefined ? { goal: cut(event.goal) } : {}) };
    case "cycle-skipped":
      return { ...event, at, detail: cut(event.detail) };
    default:
      return { ...event, at };
  }
}

/**
 * Subscribes a writer of the feed of `stateDir` to `events`: each event is appended as one line, unsynced (a watcher
 * wants it now; a power cut may lose the last lines, which the records keep anyway). A failed write is logged once per
 * cycle and costs the cycle nothing. Returns the function that unsubscribes it.
 */
export function writeEventFeed(
  events: CycleEvents,
  stateDir: string,
  deps: { logger: Logger; clock: () => Date },
): () => void {
  const file = path.join(stateDir, EVENT_FEED_FILE);
  let warned = false;
  return events.subscribe(async (event) => {
    try {
      if (event.type === "cycle-began") {
        warned = false;
        await rotateFeed(file);
      }
      await appendFile(file, `${JSON.stringify(briefEvent(event, deps.clock().toISOString()))}\n`);
    } catch (error) {
      if (!warned) deps.logger.warn(`event feed: cannot write ${file}: ${describeError(error)}`);
      warned = true;
    }
  });
}

async function rotateFeed(file: string): Promise<void> {
  const size = (await stat(file).catch(ifMissing(undefined)))?.size ?? 0;
  if (size > EVENT_FEED_ROTATE_BYTES) await rename(file, file.replace(/\.jsonl$/, ".1.jsonl"));
}

/**
 * The feed's lines from byte `from` of `file` on (a torn last line and lines that are no feed line are left out), with
 * the offset to read from next time: back to 0 when the file is shorter than `from` (it was rotated). An absent feed
 * reads as no lines.
 */
export async function readFeed(file: string, from: number): Promise<{ lines: FeedLine[]; next: number }> {
  const handle = await open(file, "r").catch(ifMissing(undefined));
  if (handle === undefined) return { lines: [], next: 0 };
  try {
    const { size } = await handle.stat();
    const start = size < from ? 0 : from;
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString("utf8");
    const whole = text.slice(0, text.lastIndexOf("\n") + 1);
    return { lines: parseFeedLines(whole), next: start + Buffer.byteLength(whole) };
  } finally {
    await handle.close();
  }
}

/** The lines in the last `maxBytes` of the feed at `file` (a line cut by the window is no feed line, and is left out). */
export async function readFeedTail(file: string, maxBytes: number): Promise<FeedLine[]> {
  const size = (await stat(file).catch(ifMissing(undefined)))?.size ?? 0;
  return (await readFeed(file, Math.max(0, size - maxBytes))).lines;
}

function parseFeedLines(text: string): FeedLine[] {
  return text.split("\n").flatMap((line) => {
    if (line.trim() === "") return [];
    try {
      const parsed = v.safeParse(feedLineSchema, JSON.parse(line));
      return parsed.success ? [parsed.output] : [];
    } catch {
      // A line that is not JSON (a hand edit, a torn write) is no event; the feed is only a window on the cycle.
      return [];
    }
  });
}
