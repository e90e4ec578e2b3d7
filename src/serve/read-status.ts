// Reads db.json, config.json and the lock owner for one status request; strictly read-only (no quarantine, no migration written back), and every failure becomes a reason in the report.
import { readFile } from "node:fs/promises";
import { parseConfig } from "../config.js";
import { readLockHolder } from "../daemon/state-lock.js";
import { createDefaultDbData, parseDbData } from "../memory/db.js";
import { statePaths } from "../memory/state-paths.js";
import { buildStatusReport, type DaemonStatus, type StatusInputs, type StatusReport } from "./status-report.js";

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
  const [db, cron, daemon] = await Promise.all([readDb(paths.db), readCron(paths.config), readDaemonStatus(paths.root)]);
  return buildStatusReport({ stateDir: paths.root, now: deps.clock(), db, cron, daemon });
}

async function readDb(file: string): Promise<StatusInputs["db"]> {
  const text = await readText(file);
  // No db.json yet: a fresh state dir, whose first cycle will write it.
  if (text.status === "missing") return { ok: true, data: createDefaultDbData() };
  if (text.status === "error") return { ok: false, reason: text.reason };
  if (text.text.trim().length === 0) return { ok: false, reason: `${file} is empty` };
  let value: unknown;
  try {
    value = JSON.parse(text.text);
  } catch (error) {
    return { ok: false, reason: `${file} is not valid JSON (${describeError(error)})` };
  }
  try {
    return { ok: true, data: parseDbData(value) };
  } catch (error) {
    return { ok: false, reason: `${file}: ${describeError(error)}` };
  }
}

async function readCron(file: string): Promise<StatusInputs["cron"]> {
  const text = await readText(file);
  if (text.status === "missing") return { ok: false, reason: `${file} is missing` };
  if (text.status === "error") return { ok: false, reason: text.reason };
  try {
    return { ok: true, expr: parseConfig(JSON.parse(text.text), file).schedule.cron };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

async function readDaemonStatus(root: string): Promise<DaemonStatus> {
  try {
    const holder = await readLockHolder(root);
    if (holder === undefined || !holder.alive) return { status: "stopped" };
    return { status: "running", pid: holder.pid, since: holder.startedAt, hostname: holder.hostname };
  } catch (error) {
    return { status: "unknown", reason: describeError(error) };
  }
}

type TextRead = { status: "ok"; text: string } | { status: "missing" } | { status: "error"; reason: string };

async function readText(file: string): Promise<TextRead> {
  try {
    return { status: "ok", text: await readFile(file, "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing" };
    return { status: "error", reason: `cannot read ${file} (${describeError(error)})` };
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
