// `apprentice log`: the last journal entries, and with --follow each new one as the daemon appends it, with the running cycle's events on stderr as they happen; reads the journal and the event feed and changes nothing.
import path from "node:path";
import { watch } from "chokidar";
import type { Command } from "commander";
import { describeEvent } from "../events/describe-event.js";
import { EVENT_FEED_FILE, readFeed } from "../events/event-feed.js";
import { readRecentJournalEntries } from "../memory/journal.js";
import type { StatePaths } from "../memory/state-paths.js";
import { createCliContext, EXIT, reportError } from "./cli-context.js";
import { requireStateDir } from "./read-state.js";
import { printErr, printJson, printJsonLine, printOut } from "./terminal-output.js";

/** Entries shown when `-n` is not given. */
const DEFAULT_ENTRIES = 3;
/** Most entries `-n` may ask for. */
const MAX_ENTRIES = 1000;
/** How far back `--follow` looks for entries it has not printed yet: more than can be appended between two looks. */
const FOLLOW_WINDOW = 50;
/** A journal file counts as written once its size held still this long, in ms; an entry is one append. */
const WRITE_STABLE_MS = 200;

/** One journal entry: its `## Cycle` section as written, and what its heading says. */
export interface LogEntry {
  /** Cycle number from the heading; `null` if the heading is not the usual one. */
  cycle: number | null;
  /** Local `HH:MM` at which the cycle started. */
  time: string | null;
  status: string | null;
  /** The whole section, heading included, as Markdown. */
  text: string;
}

const HEADING = /^## Cycle (\d+) — (\d{2}:\d{2}) \(([a-z]+)/;

export function registerLogCommand(program: Command): void {
  program
    .command("log")
    .description(
      "print the last journal entries (one per cycle); --follow keeps printing new ones, and the running cycle's events on stderr, until Ctrl-C",
    )
    .option("-n, --entries <count>", `how many entries (1 to ${MAX_ENTRIES})`, String(DEFAULT_ENTRIES))
    .option("-f, --follow", "keep printing entries as they are appended")
    .option("--json", "print the entries as one JSON array; with --follow, one JSON object per line")
    .action(async (options: { entries: string; follow?: boolean; json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await showLog(context.options.state, options).catch(reportError);
    });
}

async function showLog(
  stateDir: string,
  options: { entries: string; follow?: boolean; json?: boolean },
): Promise<number> {
  const count = Number(options.entries);
  if (!Number.isInteger(count) || count < 1 || count > MAX_ENTRIES) {
    printErr(`apprentice: -n must be a whole number from 1 to ${MAX_ENTRIES}, not "${options.entries}"\n`);
    return EXIT.usage;
  }
  const paths = await requireStateDir(stateDir);
  const json = options.json === true;
  if (options.follow !== true) {
    const entries = (await readRecentJournalEntries(paths.journal, count)).map(parseEntry);
    if (json) printJson(entries);
    else if (entries.length === 0) printOut(`No journal entries yet in ${paths.journal}.\n`);
    else printOut(`${entries.map((entry) => entry.text).join("\n\n")}\n`);
    return EXIT.ok;
  }
  const recent = await readRecentJournalEntries(paths.journal, Math.max(count, FOLLOW_WINDOW));
  for (const text of recent.slice(-count)) printEntry(parseEntry(text), json);
  await followJournal(paths, json, new Set(recent.map(headingOf)));
  return EXIT.ok;
}

/** Reads the heading of one section. */
export function parseEntry(text: string): LogEntry {
  const match = HEADING.exec(text);
  return { cycle: match ? Number(match[1]) : null, time: match?.[2] ?? null, status: match?.[3] ?? null, text };
}

function printEntry(entry: LogEntry, json: boolean): void {
  if (json) printJsonLine(entry);
  else printOut(`${entry.text}\n\n`);
}

/**
 * Prints each entry whose heading is not in `seen`, as it is appended, until SIGINT or SIGTERM. The state dir is
 * watched (depth 1) rather than journal/ itself, so a journal folder created later is still seen. Entries are known
 * by their heading line, which names the cycle, its start time and status; a note appended under an entry already
 * printed is not printed again.
 */
async function followJournal(paths: StatePaths, json: boolean, seen: Set<string>): Promise<void> {
  const feedFile = path.join(paths.root, EVENT_FEED_FILE);
  const watcher = watch(paths.root, {
    ignoreInitial: true,
    depth: 1,
    ignored: (candidate: string) => !isJournalPath(paths, candidate) && candidate !== feedFile,
    awaitWriteFinish: { stabilityThreshold: WRITE_STABLE_MS, pollInterval: 100 },
  });
  // Events already in the feed were before this follow; only those appended from now on are shown.
  let feedOffset = (await readFeed(feedFile, Number.MAX_SAFE_INTEGER)).next;
  // Looks run one at a time, so an entry or event is never printed twice by two overlapping looks.
  let looking: Promise<void> = Promise.resolve();
  const look = (changed: string): void => {
    looking = looking
      .then(async () => {
        if (changed === feedFile) {
          const { lines, next } = await readFeed(feedFile, feedOffset);
          feedOffset = next;
          for (const event of lines) printErr(`${describeEvent(event)}\n`);
          return;
        }
        for (const text of await readRecentJournalEntries(paths.journal, FOLLOW_WINDOW)) {
          if (seen.has(headingOf(text))) continue;
          seen.add(headingOf(text));
          printEntry(parseEntry(text), json);
        }
      })
      // A day file being rotated or removed under us is worth a line, not the end of the follow.
      .catch(
        (error: unknown) =>
          void printErr(
            `apprentice: cannot read the journal: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      );
  };
  await new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      watcher
        .close()
        .then(() => looking)
        .then(resolve, reject);
    };
    watcher.on("add", look);
    watcher.on("change", look);
    watcher.on("error", (error) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void watcher.close();
      reject(error instanceof Error ? error : new Error(String(error)));
    });
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    watcher.once("ready", () => {
      printErr("following the journal (and the running cycle's events); Ctrl-C to stop\n");
      // Entries appended between the first read and the watch being ready.
      look(paths.journal);
    });
  });
}

function headingOf(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}

/** The state dir, journal/, and the day files in it: all that is watched. */
function isJournalPath(paths: StatePaths, candidate: string): boolean {
  const relative = path.relative(paths.root, candidate);
  if (relative === "") return true;
  const parts = relative.split(path.sep);
  if (parts[0] !== "journal") return false;
  return parts.length === 1 || (parts.length === 2 && /^\d{4}-\d{2}-\d{2}\.md$/.test(parts[1] ?? ""));
}
