// Reads the db (db.json, lessons.json, cycle.json), config.json and the lock owner for one status request; strictly read-only (no quarantine, no migration written back), and every failure becomes a reason in the report.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../config.js";
import { readLockHolder } from "../daemon/state-lock.js";
import { EVENT_FEED_FILE, readFeedTail, type FeedLine } from "../events/event-feed.js";
import { createDefaultDbData, createStoreFile } from "../memory/db.js";
import { CorruptStateError } from "../memory/corrupt-state-error.js";
import { statePaths } from "../memory/state-paths.js";
import { buildStatusReport, type DaemonStatus, type StatusInputs, type StatusReport } from "./status-report.js";
import { describeError } from "../text/describe-error.js";

/** Dependencies of {@link readStatusReport}. */
export interface ReadStatusDeps {
  clock: () => Date;
}

/**
 * Reads the state dir and builds the report. Never throws for state trouble: a corrupt, half-written or unreadable
 * file shows up as `unreadable` with its reason. The daemon replaces db.json by rename, so a read sees either the old
 * or the new file whole; anything else (a hand edit, a bad card) is reported, not repaired: repair is the daemon's job.
 */
export async function readStatusReport(stateDir: string, deps: ReadStatusDeps): Promise<StatusReport> {
  const paths = statePaths(stateDir);
  const [db, cron, daemon, feed] = await Promise.all([
    readDb(paths.db),
    readCron(paths.config),
    readDaemonStatus(paths.root),
    readFeedLines(path.join(paths.root, EVENT_FEED_FILE)),
  ]);
  return buildStatusReport({ stateDir: paths.root, now: deps.clock(), db, cron, daemon, feed });
}

async function readDb(file: string): Promise<StatusInputs["db"]> {
  // The store only reads here; it writes nothing unless asked to.
  const store = createStoreFile(file);
  try {
    // No db files yet: a fresh state dir, whose first cycle will write them.
    return { ok: true, data: (await store.read()) ?? createDefaultDbData() };
  } catch (error) {
    if (error instanceof CorruptStateError) {
      const what =
        error.reason === "empty file"
          ? "is empty"
          : error.reason.startsWith("invalid JSON")
            ? `is not valid JSON (${error.reason.slice("invalid JSON: ".length)})`
            : `: ${error.reason}`;
      return { ok: false, reason: `${error.file}${what.startsWith(":") ? what : ` ${what}`}` };
    }
    return { ok: false, reason: `cannot read ${file} (${describeError(error, { allLines: true })})` };
  }
}

/** The feed's last lines; an unreadable feed shows no events (it is a window on the running cycle, not a record). */
async function readFeedLines(file: string): Promise<FeedLine[]> {
  return readFeedTail(file, FEED_WINDOW_BYTES).catch(() => []);
}

/** How much of the feed's end is read for the running cycle's events: many more than are shown. */
const FEED_WINDOW_BYTES = 64 * 1024;

async function readCron(file: string): Promise<StatusInputs["cron"]> {
  const text = await readText(file);
  if (text.status === "missing") return { ok: false, reason: `${file} is missing` };
  if (text.status === "error") return { ok: false, reason: text.reason };
  try {
    return { ok: true, expr: parseConfig(JSON.parse(text.text), file).schedule.cron };
  } catch (error) {
    return { ok: false, reason: describeError(error, { allLines: true }) };
  }
}

async function readDaemonStatus(root: string): Promise<DaemonStatus> {
  try {
    const holder = await readLockHolder(root);
    if (holder === undefined || !holder.alive) return { status: "stopped" };
    return { status: "running", pid: holder.pid, since: holder.startedAt, hostname: holder.hostname };
  } catch (error) {
    return { status: "unknown", reason: describeError(error, { allLines: true }) };
  }
}

type TextRead = { status: "ok"; text: string } | { status: "missing" } | { status: "error"; reason: string };

async function readText(file: string): Promise<TextRead> {
  try {
    return { status: "ok", text: await readFile(file, "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing" };
    return { status: "error", reason: `cannot read ${file} (${describeError(error, { allLines: true })})` };
  }
}
