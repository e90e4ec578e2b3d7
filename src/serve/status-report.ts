// The figures the status page and /status.json show, computed from what was read from the state dir; pure: the same inputs give the same report.
import type { CycleRecord, CycleStatus, DbData } from "../memory/db.js";
import type { LessonKind, LessonSource, LessonStatus } from "../learning/types.js";
import { findNextCronRun } from "../daemon/next-cron-run.js";
import type { FeedLine } from "../events/event-feed.js";

/** Cycle rows in the "last cycles" table, newest first. */
export const TABLE_CYCLES = 20;
/** Cycles drawn in the charts and counted in the success rate, the most recent ones. */
export const CHART_CYCLES = 100;
/** Events of the running cycle shown, the most recent ones. */
export const RUNNING_EVENTS = 12;
/** Active lessons listed; the counts cover all of them. */
export const LESSONS_SHOWN = 50;

/** Whether a daemon holds the state dir's lock, from its owner file. */
export type DaemonStatus =
  | { status: "running"; pid: number; since: string; hostname: string }
  | { status: "stopped" }
  | { status: "unknown"; reason: string };

/** The schedule from config.json and its next slot. `nextWakeAt` is absent when no slot was found. */
export type ScheduleStatus =
  { status: "ok"; cron: string; nextWakeAt?: string } | { status: "unreadable"; reason: string };

/** One cycle as the table shows it: the db's cycle record. */
export type CycleRow = CycleRecord;

/** One cycle in the charts, oldest first. */
export interface CurvePoint {
  cycle: number;
  status: CycleStatus;
  /** Absent when no goal was checked that cycle. */
  goalsMet?: boolean;
  activeLessons?: number;
  cpuTempC?: number;
  availableRamMB?: number;
  totalRamMB?: number;
}

/** An active (not retired) lesson in the lessons table. */
export interface LessonRow {
  id: string;
  kind: LessonKind;
  status: LessonStatus;
  source: LessonSource;
  text: string;
  helpful: number;
  harmful: number;
}

/** Figures from a readable db.json (a missing one counts as a fresh, empty db). */
export interface DbFigures {
  status: "ok";
  /** Cycles started so far: the last cycle's number. */
  cycleCount: number;
  /**
   * Runs of cycle numbers missing inside db.json's cycle index, oldest first: cycles a rollback undid (numbering goes
   * on after one, so the later cycles leave a gap). Absent when there is none.
   */
  undoneCycles?: Array<{ from: number; to: number }>;
  lastEndedAt?: string;
  /**
   * Set while a cycle runs, or left over from one that was interrupted; `events` are its last {@link RUNNING_EVENTS}
   * events from the event feed, oldest first.
   */
  inProgress?: { cycle: number; startedAt: string; events: FeedLine[] };
  lastSkip?: { at: string; reason: string; detail: string };
  /** The last {@link TABLE_CYCLES} cycle records, newest first. */
  recentCycles: CycleRow[];
  /** The last {@link CHART_CYCLES} cycles, oldest first. */
  curve: CurvePoint[];
  /** Over the cycles in `curve` that checked goals: how many met them all; `percent` is absent when none checked. */
  success: { met: number; checked: number; percent?: number };
  lessons: {
    counts: Record<LessonStatus, number>;
    /** Lessons not retired. */
    active: number;
    /** The first {@link LESSONS_SHOWN} active lessons: pinned, then trusted, then provisional, by id. */
    shown: LessonRow[];
  };
  skills: { active: number; retired: number };
}

/** The whole report, served as /status.json and rendered as the page. */
export interface StatusReport {
  /** Format version of this JSON. */
  version: 1;
  generatedAt: string;
  stateDir: string;
  daemon: DaemonStatus;
  schedule: ScheduleStatus;
  db: DbFigures | { status: "unreadable"; reason: string };
}

/** What was read from the state dir; each part either read or failed with a reason. */
export interface StatusInputs {
  stateDir: string;
  now: Date;
  db: { ok: true; data: DbData } | { ok: false; reason: string };
  /** The configured cron expression. */
  cron: { ok: true; expr: string } | { ok: false; reason: string };
  daemon: DaemonStatus;
  /** The last lines of the event feed (events.jsonl). */
  feed: readonly FeedLine[];
}

const STATUS_ORDER: Record<LessonStatus, number> = { pinned: 0, trusted: 1, provisional: 2, retired: 3 };

/** Computes the report. */
export function buildStatusReport(inputs: StatusInputs): StatusReport {
  return {
    version: 1,
    generatedAt: inputs.now.toISOString(),
    stateDir: inputs.stateDir,
    daemon: inputs.daemon,
    schedule: describeSchedule(inputs.cron, inputs.now),
    db: inputs.db.ok ? summarizeDb(inputs.db.data, inputs.feed) : { status: "unreadable", reason: inputs.db.reason },
  };
}

function describeSchedule(cron: StatusInputs["cron"], now: Date): ScheduleStatus {
  if (!cron.ok) return { status: "unreadable", reason: cron.reason };
  const next = findNextCronRun(cron.expr, now);
  return next.ok
    ? { status: "ok", cron: cron.expr, nextWakeAt: next.at.toISOString() }
    : { status: "ok", cron: cron.expr };
}

/**
 * The runs of numbers missing between consecutive records of the cycle index (which holds every numbered cycle, its
 * oldest trimmed first): after a rollback to cycle K from cycle M, the next cycle is M+1 and K+1..M are gone.
 */
export function findUndoneCycles(records: readonly CycleRecord[]): Array<{ from: number; to: number }> {
  const gaps: Array<{ from: number; to: number }> = [];
  for (let index = 1; index < records.length; index += 1) {
    const before = records[index - 1]?.cycle ?? 0;
    const after = records[index]?.cycle ?? 0;
    if (after > before + 1) gaps.push({ from: before + 1, to: after - 1 });
  }
  return gaps;
}

/** The db part of the report, with the running cycle's events from `feed`. */
export function summarizeDb(data: DbData, feed: readonly FeedLine[] = []): DbFigures {
  const curve = data.cycles.slice(-CHART_CYCLES).map(toCurvePoint);
  const checked = curve.filter((point) => point.goalsMet !== undefined);
  const met = checked.filter((point) => point.goalsMet === true).length;
  const counts: Record<LessonStatus, number> = { pinned: 0, trusted: 0, provisional: 0, retired: 0 };
  for (const lesson of data.learning.lessons) counts[lesson.status] += 1;
  const active = data.learning.lessons
    .filter((lesson) => lesson.status !== "retired")
    .sort(
      (a, b) =>
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        lessonNumber(a.id) - lessonNumber(b.id) ||
        a.id.localeCompare(b.id),
    );
  const { inProgress } = data.cycle;
  const undone = findUndoneCycles(data.cycles);
  return {
    status: "ok",
    cycleCount: data.cycle.count,
    ...(undone.length > 0 ? { undoneCycles: undone } : {}),
    ...(data.cycle.lastEndedAt !== undefined ? { lastEndedAt: data.cycle.lastEndedAt } : {}),
    ...(inProgress !== undefined
      ? {
          inProgress: {
            cycle: inProgress.cycle,
            startedAt: inProgress.startedAt,
            events: feed.filter((line) => "cycle" in line && line.cycle === inProgress.cycle).slice(-RUNNING_EVENTS),
          },
        }
      : {}),
    ...(data.lastSkip !== undefined ? { lastSkip: data.lastSkip } : {}),
    recentCycles: data.cycles.slice(-TABLE_CYCLES).reverse(),
    curve,
    success: {
      met,
      checked: checked.length,
      ...(checked.length > 0 ? { percent: Math.round((met / checked.length) * 100) } : {}),
    },
    lessons: {
      counts,
      active: active.length,
      shown: active.slice(0, LESSONS_SHOWN).map(({ id, kind, status, source, text, helpful, harmful }) => ({
        id,
        kind,
        status,
        source,
        text,
        helpful,
        harmful,
      })),
    },
    skills: {
      active: data.learning.skills.filter((skill) => skill.status === "active").length,
      retired: data.learning.skills.filter((skill) => skill.status === "retired").length,
    },
  };
}

function toCurvePoint(record: CycleRecord): CurvePoint {
  const { sensors } = record;
  return {
    cycle: record.cycle,
    status: record.status,
    ...(record.goalsMet !== undefined ? { goalsMet: record.goalsMet } : {}),
    ...(record.activeLessons !== undefined ? { activeLessons: record.activeLessons } : {}),
    ...(sensors?.cpuTempC !== undefined ? { cpuTempC: sensors.cpuTempC } : {}),
    ...(sensors !== undefined ? { availableRamMB: sensors.availableRamMB, totalRamMB: sensors.totalRamMB } : {}),
  };
}

/** `L12` → 12; ids of another shape sort last. */
function lessonNumber(id: string): number {
  const match = /^L(\d+)$/.exec(id);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}
