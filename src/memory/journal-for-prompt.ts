// The journal as the model reads it: one compact line per cycle, in a window whose start moves only every few cycles, so the prompt's journal grows at its end between moves and its earlier lines stay part of the cached prefix.
import { readRecentJournalEntries } from "./journal.js";

/** Longest compact line, in characters; the entry in the day file stays whole. */
export const MAX_PROMPT_LINE_CHARS = 200;
/** Longest item (a check, note or the summary) inside a compact line, in characters. */
const MAX_ITEM_CHARS = 56;
/** Longest arguments, and longest outcome, of a step inside a compact line, in characters. */
const MAX_STEP_PART_CHARS = 24;
/** Most steps a compact line names; the rest are counted. */
const MAX_STEPS = 4;

const HEADING = /^## Cycle (\d+) — (\d{2}:\d{2}) \(([a-z]+)(?:, [\d.]+ s)?\)/;

/** The journal window: the entries of the page before the current one, and the current page's so far. */
export interface JournalWindow {
  earlier: string[];
  current: string[];
}

/**
 * The entries the prompt shows with `least` set, in file order. Cycles fall in pages of `least`; the window is the
 * current page's entries, after the whole page before it while the current page is not yet full. It holds between
 * `least` and `2 × least − 1` entries, and its start moves once every `least` cycles, so between moves each cycle's
 * journal is the last one's with one line added at its end. When the prompt has no room for the window, the earlier
 * page is cut first and whole (the section keeps its end), so the prefix still repeats. Entries whose headings carry no
 * cycle number end the window.
 */
export async function readJournalWindow(journalDir: string, least: number): Promise<JournalWindow> {
  if (least <= 0) return { earlier: [], current: [] };
  const recent = await readRecentJournalEntries(journalDir, 2 * least - 1);
  const newest = cycleNumber(recent.at(-1) ?? "");
  if (newest === undefined) return { earlier: [], current: recent.slice(-least) };
  const pageStart = least * Math.floor((newest - 1) / least) + 1;
  const start = newest < least ? 1 : least * Math.floor((newest - least) / least) + 1;
  const window: JournalWindow = { earlier: [], current: [] };
  for (let index = recent.length - 1; index >= 0; index--) {
    const number = cycleNumber(recent[index] as string);
    if (number === undefined || number < start || number > newest) break;
    (number >= pageStart ? window.current : window.earlier).unshift(recent[index] as string);
  }
  return window;
}

function cycleNumber(section: string): number | undefined {
  const match = HEADING.exec(section);
  return match === null ? undefined : Number(match[1]);
}

/**
 * An entry as the model reads it: one line with the cycle's number, time and status, its reason, the goals' verdicts,
 * failed checks, the steps (tool, arguments, outcome), notes, the summary and what was learned, each item clipped and
 * the line cut at {@link MAX_PROMPT_LINE_CHARS}, so what matters most comes first. The
 * duration, the sensors and the token line are left out: none helps the model act, and all change from run to run. Text
 * that does not look like a rendered entry is collapsed to one clipped line.
 */
export function journalEntryForPrompt(section: string): string {
  const lines = section.split("\n");
  const heading = HEADING.exec(lines[0] ?? "");
  if (heading === null) return clip(section.replace(/\s+/g, " ").trim(), MAX_PROMPT_LINE_CHARS);
  const parts = [`Cycle ${heading[1]}, ${heading[2]}, ${heading[3]}`];
  const blocks = entryBlocks(lines.slice(1));
  const reason = blocks.facts.find((line) => line.startsWith("Reason: "));
  if (reason !== undefined) parts.push(clip(reason.replace(/ {2}$/, ""), MAX_ITEM_CHARS));
  if (blocks.Goals.length > 0) parts.push(`goals: ${blocks.Goals.map(compactGoal).join(", ")}`);
  const failed = blocks.Checks.filter((line) => line.startsWith("- ✗"));
  if (failed.length > 0)
    parts.push(`failed checks: ${failed.map((line) => clip(line.slice(4), MAX_ITEM_CHARS)).join("; ")}`);
  if (blocks.Steps.length > 0) parts.push(`steps: ${compactSteps(blocks.Steps)}`);
  if (blocks.Notes.length > 0)
    parts.push(`notes: ${blocks.Notes.map((line) => clip(line.slice(2), MAX_ITEM_CHARS)).join("; ")}`);
  if (blocks.summary !== undefined) parts.push(`summary: ${clip(blocks.summary, MAX_ITEM_CHARS)}`);
  if (blocks.Learned.length > 0)
    parts.push(`learned: ${blocks.Learned.map((line) => clip(line.slice(2), MAX_ITEM_CHARS)).join("; ")}`);
  return clip(parts.join(". "), MAX_PROMPT_LINE_CHARS);
}

type ListName = "Goals" | "Steps" | "Checks" | "Notes" | "Learned";

/** The entry's lines by block: the facts under the heading, each `**List**`'s items, and the summary. */
function entryBlocks(lines: readonly string[]): Record<ListName, string[]> & { facts: string[]; summary?: string } {
  const blocks: Record<ListName, string[]> & { facts: string[]; summary?: string } = {
    facts: [],
    Goals: [],
    Steps: [],
    Checks: [],
    Notes: [],
    Learned: [],
  };
  let current: string[] = blocks.facts;
  for (const line of lines) {
    const list = /^\*\*(Goals|Steps|Checks|Notes|Learned)\*\*$/.exec(line);
    if (list !== null) current = blocks[list[1] as ListName];
    else if (line.startsWith("**Summary:** ")) blocks.summary = line.slice("**Summary:** ".length);
    else if (line.trim() !== "") current.push(line);
  }
  return blocks;
}

/** `- ✗ \`hello-file\` — Create … (unmet)` → `hello-file unmet`. */
function compactGoal(line: string): string {
  const match = /^- (?:[✓✗·] )?`([^`]*)` — .*?(?: \(([^()]*)\))?$/.exec(line);
  if (match === null) return clip(line.replace(/^- /, ""), MAX_ITEM_CHARS);
  return match[2] !== undefined ? `${match[1]} ${match[2]}` : (match[1] as string);
}

/**
 * `1. ✓ \`run\` {"command":"ls"} — exit 0` items as `✓ run {"command":"ls"} — exit 0`, arguments and outcome clipped;
 * a run of identical items is named once with its count, the first {@link MAX_STEPS} are named and the rest counted.
 */
function compactSteps(lines: readonly string[]): string {
  const items: Array<{ text: string; count: number }> = [];
  for (const line of lines) {
    const text = compactStep(line);
    const last = items.at(-1);
    if (last?.text === text) last.count += 1;
    else items.push({ text, count: 1 });
  }
  const named = items.slice(0, MAX_STEPS).map((item) => (item.count > 1 ? `${item.text} ×${item.count}` : item.text));
  const more = items.slice(MAX_STEPS).reduce((sum, item) => sum + item.count, 0);
  return named.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

function compactStep(line: string): string {
  const match = /^\d+\. ([✓✗]) `([^`]*)` ?(.*?)(?: — (.*))?$/.exec(line);
  if (match === null) return clip(line, MAX_ITEM_CHARS);
  const [, mark, tool = "", args = "", said] = match;
  // `(invalid-output) {} — invalid-output: output cut off` names its kind twice.
  const outcome = said?.replace(`${tool.replace(/^\((.*)\)$/, "$1")}: `, "");
  const shownArgs = args === "{}" ? "" : ` ${clip(args, MAX_STEP_PART_CHARS)}`;
  return `${mark} ${tool}${shownArgs}${outcome !== undefined ? ` — ${clip(outcome, MAX_STEP_PART_CHARS)}` : ""}`;
}

/** `text` cut to `max` characters (an ellipsis marking the cut), never inside a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
