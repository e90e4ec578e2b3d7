// `apprentice status`: whether the daemon runs, the last cycle, the next wake, the model, sensors and counts; reads the state dir and changes nothing.
import { readdir, stat } from "node:fs/promises";
import type { Command } from "commander";
import { formatModelFileProblem } from "../brain/model-file-problem.js";
import { inspectGgufFile } from "../brain/model-inspect.js";
import { resolveModelPath } from "../config.js";
import { selectDueGoals } from "../cycle/due-goals.js";
import { describeVerdict } from "../cycle/goal-verdicts.js";
import { findNextCronRun } from "../daemon/next-cron-run.js";
import { readLockHolder } from "../daemon/state-lock.js";
import type { CycleRecord } from "../memory/db.js";
import { TEMP_SUFFIX } from "../memory/durable-write.js";
import { readInbox } from "../memory/inbox.js";
import type { StatePaths } from "../memory/state-paths.js";
import { describeSensors, readSensors, type Sensors } from "../sense/read-sensors.js";
import type { LessonStatus } from "../learning/types.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { formatTime, loadDb, readConfig, readGoals, requireStateDir } from "./read-state.js";
import { printJson, printOut } from "./terminal-output.js";
import { toOneLine } from "../text/safe-text.js";
import { describeCycleTokens } from "../record/cycle-tokens.js";
import type { CycleTokens } from "../memory/db-schema.js";

/** How much RAM a model takes for the status line's rough fit test: the file size times this, plus the reserve. */
const MODEL_RAM_FACTOR = 1.2;
const MB = 1024 * 1024;

/** What `status --json` prints. Times are ISO strings. */
export interface StatusReport {
  stateDir: string;
  /** `running`: a live process holds the lock; `stale`: a lock remains whose holder is gone or unreadable. */
  daemon: { running: boolean; pid?: number; since?: string; hostname?: string; staleLock?: boolean; model?: string };
  cycles: {
    count: number;
    /** The last cycle; `goals` is each due goal's verdict (absent with no due goal, or in a record from before issue 15). */
    last?: Pick<
      CycleRecord,
      "cycle" | "status" | "startedAt" | "endedAt" | "durationMs" | "summary" | "reason" | "goals"
    > & {
      /** The token cost of its model-decided steps; `null` when the model decided none (or the record predates it). */
      tokens: CycleTokens | null;
    };
    inProgress?: { cycle: number; startedAt: string; pid: number };
    lastSkip?: { at: string; reason: string; detail: string };
  };
  /** The next scheduled wake, only while the daemon runs; it also wakes early on inbox and goals changes. */
  nextWake: { cron: string; at?: string };
  model: {
    path?: string;
    /** Where the path came from: config.json, this command's `--model`, or the running daemon's `--model`. */
    source?: "config" | "--model" | "daemon --model";
    exists: boolean;
    sizeBytes?: number;
    /** Rough need in MB: file size × 1.2 plus `limits.reserveRamMB`. The daemon's own gate reads the GGUF header. */
    estimatedNeedMB?: number;
    availableRamMB: number;
    /** Only for a file that is a complete GGUF; absent when `problem` says why it is not usable. */
    fits?: boolean;
    /** Why the file that exists is not a usable model: the "fix the model" line a cycle, `once` and `start` give. */
    problem?: string;
  };
  sensors: Sensors;
  goals: { total: number; open: number; done: number } | { error: string };
  lessons: Record<LessonStatus, number>;
  skills: { active: number; retired: number };
  /** Inbox files waiting: each is a message, whatever its name. */
  inbox: { messages: number };
  /** Operator requests waiting in operator/ (`teach`, `lessons pin|retire|forget` while a daemon runs); null when this user cannot list it. */
  operator: { requests: number | null };
}

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description(
      "show whether the daemon runs, the last cycle, the next wake, the model, sensors and counts (reads only)",
    )
    .option("--json", "print the report as one JSON object")
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await readStatus(context)
        .then((report) => {
          if (options.json === true) printJson(report);
          else printOut(formatStatus(report, context.clock()));
          return EXIT.ok;
        })
        .catch(reportError);
    });
}

/** Gathers the report. Throws StateError for a missing state dir or an unreadable config or db. */
export async function readStatus(context: CliContext): Promise<StatusReport> {
  const paths = await requireStateDir(context.options.state);
  const config = await readConfig(paths);
  const data = (await loadDb(paths)).data;
  const daemon = await readDaemon(paths);
  const sensors = await readSensors(paths.root, context.clock, context.logger);
  const last = data.cycles.at(-1);
  const next = daemon.running ? findNextCronRun(config.schedule.cron, context.clock()) : undefined;
  const nextAt = next?.ok === true ? next.at : undefined;
  // The running daemon may have been started with --model, which config.json does not show; this command's own wins.
  const fromDaemon = context.options.model === undefined ? daemon.model : undefined;
  const modelPath = fromDaemon ?? resolveModelPath(config, paths.root, context.options.model);
  const modelSource =
    fromDaemon !== undefined ? "daemon --model" : context.options.model !== undefined ? "--model" : "config";
  const inboxMessages = (await readInbox(paths.inbox, { maxMessages: Number.MAX_SAFE_INTEGER, maxBytesPerMessage: 1 }))
    .messages;
  return {
    stateDir: paths.root,
    daemon,
    cycles: {
      count: data.cycle.count,
      ...(last !== undefined
        ? {
            last: {
              cycle: last.cycle,
              status: last.status,
              startedAt: last.startedAt,
              endedAt: last.endedAt,
              durationMs: last.durationMs,
              ...pickText(last),
              tokens: last.tokens ?? null,
            },
          }
        : {}),
      ...(data.cycle.inProgress !== undefined ? { inProgress: data.cycle.inProgress } : {}),
      ...(data.lastSkip !== undefined ? { lastSkip: data.lastSkip } : {}),
    },
    nextWake: { cron: config.schedule.cron, ...(nextAt !== undefined ? { at: nextAt.toISOString() } : {}) },
    model: {
      ...(modelPath !== undefined ? { source: modelSource } : {}),
      ...(await describeModel(modelPath, config.limits.reserveRamMB, sensors.availableRamMB)),
    },
    sensors,
    goals: await countGoals(paths, data.goals, context.clock()),
    lessons: {
      provisional: data.learning.lessons.filter((lesson) => lesson.status === "provisional").length,
      trusted: data.learning.lessons.filter((lesson) => lesson.status === "trusted").length,
      pinned: data.learning.lessons.filter((lesson) => lesson.status === "pinned").length,
      retired: data.learning.lessons.filter((lesson) => lesson.status === "retired").length,
    },
    skills: {
      active: data.learning.skills.filter((skill) => skill.status === "active").length,
      retired: data.learning.skills.filter((skill) => skill.status === "retired").length,
    },
    inbox: { messages: inboxMessages.length },
    operator: { requests: await countOperatorRequests(paths.operator) },
  };
}

/** Files waiting in operator/ (a missing folder has none), or null when this user may not list it (it is 0700). */
async function countOperatorRequests(dir: string): Promise<number | null> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith(".") && !name.endsWith(TEMP_SUFFIX)).length;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return 0;
    if (code === "EACCES" || code === "EPERM" || code === "ENOTDIR") return null;
    throw error;
  }
}

function pickText(record: CycleRecord): Pick<CycleRecord, "summary" | "reason" | "goals"> {
  return {
    ...(record.summary !== undefined ? { summary: record.summary } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(record.goals !== undefined ? { goals: record.goals } : {}),
  };
}

async function readDaemon(paths: StatePaths): Promise<StatusReport["daemon"]> {
  const holder = await readLockHolder(paths.root);
  if (holder !== undefined) {
    return holder.alive
      ? {
          running: true,
          pid: holder.pid,
          since: holder.startedAt,
          hostname: holder.hostname,
          ...(holder.model !== undefined ? { model: holder.model } : {}),
        }
      : { running: false, pid: holder.pid, since: holder.startedAt, hostname: holder.hostname, staleLock: true };
  }
  // A lock without a readable owner: either being taken this instant or left by a crash mid-take.
  const lockExists = await stat(paths.lock).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
  return lockExists ? { running: false, staleLock: true } : { running: false };
}

function describeSource(source: StatusReport["model"]["source"]): string {
  return source === "daemon --model" ? " (given to the running daemon with --model)" : "";
}

async function describeModel(
  modelPath: string | undefined,
  reserveRamMB: number,
  availableRamMB: number,
): Promise<StatusReport["model"]> {
  if (modelPath === undefined) return { exists: false, availableRamMB };
  const info = await stat(modelPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  });
  if (info === undefined || !info.isFile()) return { path: modelPath, exists: false, availableRamMB };
  // The header is read as a cycle reads it, so a file that is not a GGUF or is cut short is not called one that fits.
  const inspection = await inspectGgufFile(modelPath);
  if (!inspection.ok)
    return {
      path: modelPath,
      exists: true,
      sizeBytes: info.size,
      availableRamMB,
      problem: formatModelFileProblem(inspection),
    };
  const estimatedNeedMB = Math.ceil((info.size * MODEL_RAM_FACTOR) / MB) + reserveRamMB;
  return {
    path: modelPath,
    exists: true,
    sizeBytes: info.size,
    estimatedNeedMB,
    availableRamMB,
    fits: estimatedNeedMB <= availableRamMB,
  };
}

async function countGoals(
  paths: StatePaths,
  progress: Parameters<typeof selectDueGoals>[1],
  now: Date,
): Promise<StatusReport["goals"]> {
  try {
    const goals = await readGoals(paths);
    // Open means due now: never met, or met longer ago than its `every`; the daemon judges goals the same way.
    const open = selectDueGoals(goals, progress, now).length;
    return { total: goals.length, open, done: goals.length - open };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The report for people, one fact per line. */
export function formatStatus(report: StatusReport, now: Date): string {
  const lines: string[] = [`State dir:  ${report.stateDir}`];
  const { daemon, cycles, model } = report;
  if (daemon.running) lines.push(`Daemon:     running, pid ${daemon.pid ?? "?"} since ${formatTime(daemon.since)}`);
  else if (daemon.staleLock)
    lines.push(
      `Daemon:     not running (a stale lock${daemon.pid !== undefined ? ` of pid ${daemon.pid}` : ""} remains; the next start takes it over)`,
    );
  else lines.push("Daemon:     not running");
  if (cycles.inProgress !== undefined && daemon.running)
    lines.push(`Now:        cycle ${cycles.inProgress.cycle} running since ${formatTime(cycles.inProgress.startedAt)}`);
  // A marker with no process holding the lock: its cycle was cut off (a crash, a power cut, kill -9).
  else if (cycles.inProgress !== undefined)
    lines.push(
      `Now:        no cycle runs; cycle ${cycles.inProgress.cycle} (started ${formatTime(cycles.inProgress.startedAt)} by pid ${cycles.inProgress.pid}) was interrupted, and the next start or once records it`,
    );
  const last = cycles.last;
  if (last === undefined) lines.push("Last cycle: none yet");
  else {
    const duration = last.status === "interrupted" ? "" : `, ${(last.durationMs / 1000).toFixed(1)} s`;
    const text = last.summary ?? last.reason;
    lines.push(
      `Last cycle: ${last.cycle} ${last.status} at ${formatTime(last.startedAt)}${duration}${text !== undefined ? `: ${toOneLine(text.trim(), 160)}` : ""}`,
    );
    // The summary above starts with the count; this line names each goal's verdict.
    if (last.goals !== undefined && last.goals.length > 0)
      lines.push(`Last goals: ${last.goals.map(describeVerdict).join(", ")}`);
    lines.push(`Last tokens: ${describeCycleTokens(last.tokens ?? undefined)}`);
  }
  if (cycles.lastSkip !== undefined)
    lines.push(
      `Last skip:  ${formatTime(cycles.lastSkip.at)} (${cycles.lastSkip.reason}): ${toOneLine(cycles.lastSkip.detail.trim(), 160)}`,
    );
  lines.push(
    report.nextWake.at !== undefined
      ? `Next wake:  ${formatTime(report.nextWake.at)} (in ${formatDuration(Date.parse(report.nextWake.at) - now.getTime())}, schedule "${report.nextWake.cron}"; earlier when the inbox or goals change)`
      : `Next wake:  none until \`apprentice start\` (schedule "${report.nextWake.cron}")`,
  );
  if (model.path === undefined)
    lines.push("Model:      none configured (set model.path in config.json or pass --model)");
  else if (!model.exists) lines.push(`Model:      ${toOneLine(model.path)}${describeSource(model.source)} is missing`);
  else if (model.problem !== undefined)
    lines.push(
      `Model:      ${toOneLine(model.path)}${describeSource(model.source)} is not usable: ${toOneLine(model.problem, 400)}`,
    );
  else {
    const verdict = model.fits ? "fits" : "does NOT fit";
    lines.push(
      `Model:      ${toOneLine(model.path)}${describeSource(model.source)}, ${formatMB(model.sizeBytes ?? 0)}; needs about ${model.estimatedNeedMB} MB with the reserve, ${model.availableRamMB} MB free: ${verdict} (rough estimate: file size × ${MODEL_RAM_FACTOR} + reserve)`,
    );
  }
  lines.push(`Sensors:    ${describeSensors(report.sensors)}`);
  lines.push(
    "error" in report.goals
      ? `Goals:      goals.yaml cannot be read: ${toOneLine(report.goals.error.trim(), 200)}`
      : `Goals:      ${report.goals.open} open, ${report.goals.done} done (${report.goals.total} in goals.yaml)`,
  );
  const { lessons, skills, inbox, operator } = report;
  lines.push(
    `Lessons:    ${lessons.pinned} pinned, ${lessons.trusted} trusted, ${lessons.provisional} provisional, ${lessons.retired} retired`,
  );
  lines.push(`Skills:     ${skills.active} active, ${skills.retired} retired`);
  lines.push(`Inbox:      ${inbox.messages} message(s) waiting`);
  lines.push(
    `Operator:   ${operator.requests === null ? "operator/ cannot be listed by this user" : `${operator.requests} request(s) waiting in operator/`}`,
  );
  return `${lines.join("\n")}\n`;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

function formatMB(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}
