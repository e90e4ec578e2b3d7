// The human-readable journal: one Markdown file per local day, one `## Cycle` section per cycle; model-written text can never break that structure.
import { constants, type Stats } from "node:fs";
import { lstat, mkdir, open, readdir, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { crashPoint, crashPointInsideAppend, fsyncDir, writeFileDurably } from "./durable-write.js";
import { ifMissing } from "./if-missing.js";
import { quarantineFile } from "./quarantine.js";
import { toOneLine } from "../text/safe-text.js";
import type { CycleStatus } from "./db-schema.js";

/** Longest model- or world-written field in a journal entry, in characters. */
export const MAX_JOURNAL_FIELD_CHARS = 300;

/** Most items shown per list (goals, steps, checks, notes, learned); the rest are counted. */
export const MAX_JOURNAL_LIST_ITEMS = 30;

/** Marks the first line of every entry; {@link readRecentJournalEntries} splits on it. */
const ENTRY_HEADING_PREFIX = "## Cycle ";

/** One cycle, as the journal shows it. Free-text fields are made single-line and capped on render. */
export interface JournalEntry {
  cycle: number;
  /** When the cycle started; its local HH:MM goes in the heading. */
  startedAt: Date;
  durationMs: number;
  status: CycleStatus;
  /** Why the cycle was skipped, failed, stopped or interrupted. */
  reason?: string;
  /** The goals due at the cycle's start, each with its verdict once the cycle judged it (see `judgeGoals`). */
  goals: Array<{ id: string; title: string; verdict?: "met" | "unmet" | "unchecked"; by?: string }>;
  /** `argsSummary` is a short rendering of the arguments; `detail` the outcome in a few words. */
  steps: Array<{ step: number; tool: string; argsSummary: string; ok: boolean; detail: string }>;
  checks: Array<{ goal: string; passed: boolean; detail: string }>;
  notes: string[];
  summary?: string;
  learned: string[];
  /** One line of sensor readings, e.g. `52.1 °C, 310 MB free`. */
  sensors?: string;
  /** One line of the cycle's token cost (see `describeCycleTokens`); not capped, as it grows with the sections. */
  tokens?: string;
}

/** Formats `date` as a local `YYYY-MM-DD`. */
export function formatLocalDate(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/**
 * Renders one entry as a Markdown section starting with `## Cycle N — HH:MM (status, 2.3 s)` and ending with a
 * newline. Every text field is collapsed to one line, capped at {@link MAX_JOURNAL_FIELD_CHARS}, and escaped so it
 * cannot open a heading, list, quote, code block or HTML.
 */
export function renderJournalEntry(entry: JournalEntry): string {
  const time = `${pad2(entry.startedAt.getHours())}:${pad2(entry.startedAt.getMinutes())}`;
  const seconds = (Math.max(0, entry.durationMs) / 1000).toFixed(1);
  const blocks: string[] = [
    // How long an interrupted cycle ran is not known (the process died), so no duration is claimed for it.
    `${ENTRY_HEADING_PREFIX}${Math.trunc(entry.cycle)} — ${time} (${entry.status}${entry.status === "interrupted" ? "" : `, ${seconds} s`})`,
  ];
  const facts: string[] = [];
  if (entry.reason !== undefined) facts.push(`Reason: ${cleanText(entry.reason)}`);
  if (entry.sensors !== undefined) facts.push(`Sensors: ${cleanText(entry.sensors)}`);
  if (entry.tokens !== undefined) facts.push(`Tokens: ${cleanText(entry.tokens, false)}`);
  if (facts.length > 0) blocks.push(facts.join("  \n"));
  pushList(blocks, "Goals", entry.goals, renderGoal);
  pushList(
    blocks,
    "Steps",
    entry.steps,
    (step) =>
      `${Math.trunc(step.step)}. ${mark(step.ok)} ${codeSpan(step.tool)} ${cleanText(step.argsSummary)} — ${cleanText(step.detail)}`,
  );
  pushList(
    blocks,
    "Checks",
    entry.checks,
    (check) => `- ${mark(check.passed)} ${cleanText(check.goal)} — ${cleanText(check.detail)}`,
  );
  pushList(blocks, "Notes", entry.notes, (note) => `- ${cleanItemStart(cleanText(note))}`);
  if (entry.summary !== undefined) blocks.push(`**Summary:** ${cleanText(entry.summary)}`);
  pushList(blocks, "Learned", entry.learned, (lesson) => `- ${cleanItemStart(cleanText(lesson))}`);
  return `${blocks.join("\n\n")}\n`;
}

/** `- ✓ \`report\` — Produce report.txt (met by replay)`; without a verdict, just the goal. */
function renderGoal(goal: JournalEntry["goals"][number]): string {
  if (goal.verdict === undefined) return `- ${codeSpan(goal.id)} — ${cleanText(goal.title)}`;
  const sign = goal.verdict === "met" ? "✓" : goal.verdict === "unmet" ? "✗" : "·";
  return `- ${sign} ${codeSpan(goal.id)} — ${cleanText(goal.title)} (${goal.verdict}${goal.by !== undefined ? ` by ${cleanText(goal.by)}` : ""})`;
}

function pushList<T>(blocks: string[], title: string, items: T[], renderItem: (item: T) => string): void {
  if (items.length === 0) return;
  const lines = items.slice(0, MAX_JOURNAL_LIST_ITEMS).map(renderItem);
  if (items.length > MAX_JOURNAL_LIST_ITEMS) lines.push(`- … and ${items.length - MAX_JOURNAL_LIST_ITEMS} more`);
  blocks.push(`**${title}**\n\n${lines.join("\n")}`);
}

function mark(ok: boolean): string {
  return ok ? "✓" : "✗";
}

function codeSpan(text: string): string {
  // A backtick inside would end the span early; an empty span would not render.
  const inner = capText(toOneLine(collapseWhitespace(text))).replace(/`/g, "'");
  return `\`${inner === "" ? " " : inner}\``;
}

/**
 * Makes untrusted text safe inside one Markdown line: whitespace runs (newlines and line separators included) collapsed
 * to one space, every other control (ESC, C1, bidi overrides, zero-width characters) written out visibly as `\x1b` or
 * `\u202e` by `toOneLine`, capped, and no raw HTML.
 */
function cleanText(text: string, capped = true): string {
  const line = toOneLine(collapseWhitespace(text));
  return (capped ? capText(line) : line).replace(/\\/g, "\\\\").replace(/</g, "\\<");
}

/**
 * One Markdown list item (`- text`) made of untrusted text, as the entries' own lists render theirs: on one line,
 * controls shown visibly, capped, no raw HTML, and no block marker at its start. For notes appended to a day file
 * outside a `## Cycle` entry ({@link appendToJournalDay}).
 */
export function renderJournalListItem(text: string): string {
  return `- ${cleanItemStart(cleanText(text))}`;
}

/** Escapes a block marker at the start of a list item's text, where `# x` would become a heading and `1. x` a list. */
function cleanItemStart(text: string): string {
  return text.replace(/^([#>+\-*=_`~|[])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
}

function collapseWhitespace(text: string): string {
  // Every line break Markdown or a terminal might honour (\n, \r, \v, \f, U+0085 NEL, U+2028/9) becomes a space; the
  // other controls are left for toOneLine to show.
  return text.replace(/[\s\u0085]+/g, " ").trim();
}

function capText(text: string): string {
  if (text.length <= MAX_JOURNAL_FIELD_CHARS) return text;
  let end = MAX_JOURNAL_FIELD_CHARS - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Appends `entry` to `journal/YYYY-MM-DD.md` (the local date of `clock()`), creating the directory and the day file
 * (headed `# Journal YYYY-MM-DD`) when needed. The append is fsynced; a new file's directory entry is fsynced too.
 * Returns the day file's path.
 */
export async function appendJournalEntry(
  journalDir: string,
  entry: JournalEntry,
  clock: () => Date,
  warn?: (message: string) => void,
): Promise<string> {
  const day = clock();
  await appendRenderedEntry(journalDir, day, renderJournalEntry(entry), clock, warn);
  return path.join(journalDir, `${formatLocalDate(day)}.md`);
}

/** Appends an entry rendered by {@link renderJournalEntry} to the day file of `day`. */
export async function appendRenderedEntry(
  journalDir: string,
  day: Date,
  text: string,
  clock: () => Date,
  warn?: (message: string) => void,
): Promise<void> {
  // The leading newline keeps the heading on its own line even after a torn previous append.
  await appendToJournalDay(journalDir, day, renderedChunk(text), clock, warn);
}

function renderedChunk(text: string): string {
  return `\n${text}`;
}

/**
 * Appends `text` to the day file of `day` (headed `# Journal YYYY-MM-DD` when new) and fsyncs it, creating the
 * directory when needed. Never writes through a symlink and never blocks on a FIFO: a day file that is not a regular
 * file (a symlink, FIFO, socket, device or directory) is moved aside as `<file>.corrupt-<ts>` (the link itself, not what
 * it points at), `warn` is told, and a fresh day file is started.
 */
export async function appendToJournalDay(
  journalDir: string,
  day: Date,
  text: string,
  clock: () => Date,
  warn?: (message: string) => void,
): Promise<void> {
  const name = formatLocalDate(day);
  const file = path.join(journalDir, `${name}.md`);
  const createdDir = await mkdir(journalDir, { recursive: true });
  if (createdDir !== undefined) await fsyncDir(path.dirname(path.resolve(createdDir)));
  const { handle, isNewFile } = await openDayFile(file, clock, warn);
  try {
    const appended = `${isNewFile ? `# Journal ${name}\n` : ""}${text}`;
    crashPointInsideAppend(`journal ${name}: half an entry`, handle.fd, appended);
    await handle.appendFile(appended);
    crashPoint(`journal ${name}: entry appended, not synced`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (isNewFile) await fsyncDir(journalDir);
}

// O_NOFOLLOW: a symlink fails with ELOOP instead of being written through; O_NONBLOCK: a FIFO without a reader fails
// with ENXIO instead of blocking the daemon (and is harmless on a regular file).
const APPEND_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const NOT_A_FILE_CODES = new Set(["ELOOP", "EMLINK", "ENXIO", "EISDIR", "ENODEV", "EOPNOTSUPP"]);

async function openDayFile(
  file: string,
  clock: () => Date,
  warn: ((message: string) => void) | undefined,
): Promise<{ handle: FileHandle; isNewFile: boolean }> {
  for (let attempt = 0; ; attempt += 1) {
    const before = await lstat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    let handle: FileHandle | undefined;
    if (before === undefined || before.isFile()) {
      try {
        handle = await open(file, APPEND_FLAGS, 0o644);
      } catch (error) {
        if (!NOT_A_FILE_CODES.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
      }
    }
    if (handle !== undefined) {
      if ((await handle.stat()).isFile()) return { handle, isNewFile: before === undefined };
      await handle.close();
    }
    if (attempt > 0) throw new Error(`${file} is still not a regular file after it was moved aside`);
    const kind = before === undefined ? "special file" : describeKind(before);
    const moved = await quarantineFile(file, `not a regular file (${kind})`, clock);
    warn?.(
      `journal: ${file} is a ${kind}, not a regular file; moved it to ${moved} (nothing was written through it) and started a fresh day file`,
    );
  }
}

function describeKind(info: Stats): string {
  if (info.isSymbolicLink()) return "symlink";
  if (info.isFIFO()) return "FIFO";
  if (info.isSocket()) return "socket";
  if (info.isDirectory()) return "directory";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "device";
  return "special file";
}

/**
 * Returns the texts of the last `count` entries across the day files, newest last. Each text is one `## Cycle`
 * section, from its heading to the next one, without trailing blank lines. A missing directory has no entries.
 */
export async function readRecentJournalEntries(journalDir: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  let names: string[];
  try {
    names = await readdir(journalDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const dayFiles = names
    .filter((name) => /^\d{4}-\d{2}-\d{2}\.md$/.test(name))
    .sort()
    .reverse();
  const newestFirst: string[] = [];
  for (const name of dayFiles) {
    const text = await readRegularFile(path.join(journalDir, name));
    // A symlink (to anywhere), FIFO or device planted here is not the agent's journal: never read into a prompt.
    if (text === undefined) continue;
    const sections = splitJournalSections(text);
    for (let index = sections.length - 1; index >= 0 && newestFirst.length < count; index -= 1) {
      newestFirst.push(sections[index] as string);
    }
    if (newestFirst.length >= count) break;
  }
  return newestFirst.reverse();
}

/** Splits a day file into its `## Cycle` sections, in file order. */
function splitJournalSections(text: string): string[] {
  const sections: string[] = [];
  let current: string[] | undefined;
  const flush = (): void => {
    if (current !== undefined) sections.push(current.join("\n").trimEnd());
    current = undefined;
  };
  for (const line of text.split("\n")) {
    if (line.startsWith(ENTRY_HEADING_PREFIX)) {
      flush();
      current = [line];
    } else if (line.startsWith("# ")) {
      flush();
    } else if (current !== undefined) {
      current.push(line);
    }
  }
  flush();
  return sections;
}

/** The text of `file` when it is a regular file (not followed through a symlink, never blocking on a FIFO); else undefined. */
async function readRegularFile(file: string): Promise<string | undefined>;
async function readRegularFile(file: string, as: "buffer"): Promise<Buffer | undefined>;
async function readRegularFile(file: string, as: "text" | "buffer" = "text"): Promise<string | Buffer | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (
      NOT_A_FILE_CODES.has((error as NodeJS.ErrnoException).code ?? "") ||
      (error as NodeJS.ErrnoException).code === "ENOENT"
    )
      return undefined;
    throw error;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return as === "buffer" ? await handle.readFile() : await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * Makes sure the day file of `day` ends its `## Cycle` entry `text` whole, after a crash between a cycle's record and
 * its journal entry: present already, nothing is written; a torn start of it at the end of the file (a crash in the
 * middle of the append) is cut off first; then the entry is appended with {@link appendRenderedEntry}.
 */
export async function completeJournalEntry(
  journalDir: string,
  day: Date,
  text: string,
  clock: () => Date,
  warn?: (message: string) => void,
): Promise<"present" | "appended" | "replaced a torn copy"> {
  const file = path.join(journalDir, `${formatLocalDate(day)}.md`);
  const content = (await readRegularFile(file, "buffer")) ?? Buffer.alloc(0);
  const bytes = Buffer.from(renderedChunk(text));
  if (content.includes(bytes)) return "present";
  // The longest start of the chunk the file ends with, in bytes (a torn append can end inside a character); two bytes
  // at least, since a lone newline is only the end of the previous entry.
  let torn = 0;
  for (let length = Math.min(bytes.length - 1, content.length); length >= 2; length--) {
    if (content.subarray(content.length - length).equals(bytes.subarray(0, length))) {
      torn = length;
      break;
    }
  }
  if (torn > 0) {
    const handle = await open(file, constants.O_WRONLY | constants.O_NOFOLLOW);
    try {
      await handle.truncate(content.length - torn);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  await appendRenderedEntry(journalDir, day, text, clock, warn);
  return torn > 0 ? "replaced a torn copy" : "appended";
}

/** What {@link trimJournal} did. */
export interface JournalTrim {
  /** Day files deleted, oldest first. */
  removed: string[];
  /** Entries cut from the start of today's file (it alone was past the size). */
  cutEntries: number;
}

/**
 * Keeps the journal within `keepDays` day files (counting today's) and `maxBytes` in all: day files older than that
 * go, then the oldest days until the rest fits. Today's file is never deleted; when it alone is past `maxBytes`, it
 * is rewritten durably with its newest entries up to half of that. Only regular day files are counted or touched.
 */
export async function trimJournal(
  journalDir: string,
  options: { maxBytes: number; keepDays: number; now: Date },
): Promise<JournalTrim> {
  const trim: JournalTrim = { removed: [], cutEntries: 0 };
  const names = (await readdir(journalDir).catch(ifMissing([] as string[])))
    .filter((name) => DAY_FILE.test(name))
    .sort();
  const today = `${formatLocalDate(options.now)}.md`;
  const firstKept = `${formatLocalDate(new Date(options.now.getFullYear(), options.now.getMonth(), options.now.getDate() - (options.keepDays - 1)))}.md`;
  const days: Array<{ name: string; bytes: number }> = [];
  for (const name of names) {
    const info = await lstat(path.join(journalDir, name)).catch(ifMissing(undefined));
    if (info?.isFile() === true) days.push({ name, bytes: info.size });
  }
  let total = days.reduce((sum, day) => sum + day.bytes, 0);
  for (const day of days) {
    if (day.name === today || (day.name >= firstKept && total <= options.maxBytes)) continue;
    await rm(path.join(journalDir, day.name), { force: true });
    trim.removed.push(day.name);
    total -= day.bytes;
  }
  if (trim.removed.length > 0) await fsyncDir(journalDir);
  const todayDay = days.find((day) => day.name === today);
  if (todayDay !== undefined && total > options.maxBytes) {
    const file = path.join(journalDir, today);
    const text = await readRegularFile(file);
    if (text !== undefined) {
      const [heading, ...entries] = text.split(/\n(?=## )/);
      const kept: string[] = [];
      let bytes = Buffer.byteLength(heading ?? "");
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const entry = entries[index] as string;
        bytes += Buffer.byteLength(entry) + 1;
        if (bytes > options.maxBytes / 2 && kept.length > 0) break;
        kept.unshift(entry);
      }
      trim.cutEntries = entries.length - kept.length;
      if (trim.cutEntries > 0)
        await writeFileDurably(file, [heading ?? `# Journal ${formatLocalDate(options.now)}`, ...kept].join("\n"));
    }
  }
  return trim;
}

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.md$/;
