// A prepared state dir for status-page tests: hand-made cycle records and lessons in db.json (schema v2), with the figures the page must show.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createEmptyLearningData } from "../../../src/learning/empty-learning.js";
import type { Lesson, LessonKind, LessonSource, LessonStatus } from "../../../src/learning/types.js";
import type { CycleRecord, DbData } from "../../../src/memory/db.js";
import { makeStateDir } from "../../support/state-fixture.js";

/** Summary of the newest cycle: must appear as text, never as markup. */
export const HOSTILE_SUMMARY = '<script>alert("pwned")</script>';
/** Text of lesson L5: must appear as text, never as markup. */
export const HOSTILE_LESSON = '<img src=x onerror=alert(1)> & "quotes"';

/** Cycle 3 answered an inbox message (no goal checked); cycle 7 was interrupted (no goal checked, no sensor reading). */
const NO_GOAL = new Set([3, 7]);
const INTERRUPTED = 7;
/** Of the ten cycles that checked goals, these met them all; cycle 5 failed. */
const MET = new Set([4, 6, 8, 10, 11, 12]);
const FAILED = 5;

/** What the prepared state must show. */
export const EXPECTED = {
  cycles: 12,
  checked: 10,
  met: 6,
  percent: 60,
  counts: { pinned: 1, trusted: 1, provisional: 2, retired: 1 },
  activeLessonIds: ["L1", "L2", "L3", "L5"],
  retiredLessonId: "L4",
  sensorCycles: 11,
  /** The newest cycle's CPU temperature and free RAM. */
  lastTempC: 62.5,
  lastFreeRamMB: 780,
} as const;

/** Start time of cycle `n`: every 30 minutes from 2026-03-01 10:00 local time. */
export function cycleStart(cycle: number): Date {
  return new Date(2026, 2, 1, 10, 0 + 30 * (cycle - 1));
}

function cycleRecord(cycle: number, summary?: string): CycleRecord {
  const startedAt = cycleStart(cycle);
  const durationMs = 1500 + cycle * 100;
  const endedAt = new Date(startedAt.getTime() + durationMs).toISOString();
  if (cycle === INTERRUPTED) {
    const reason = "the process (pid 4242) stopped mid-cycle; steps recorded before that are kept in episodes.jsonl";
    return {
      cycle,
      startedAt: startedAt.toISOString(),
      endedAt,
      status: "interrupted",
      reason,
      steps: 0,
      failedSteps: 0,
      durationMs,
    };
  }
  return {
    cycle,
    startedAt: startedAt.toISOString(),
    endedAt,
    status: cycle === FAILED ? "failed" : "ran",
    ...(cycle === FAILED ? { reason: "cycle timed out" } : {}),
    steps: 3,
    failedSteps: MET.has(cycle) || NO_GOAL.has(cycle) ? 0 : 1,
    summary:
      summary ?? (NO_GOAL.has(cycle) ? "answered the inbox message" : `worked on shopping-list (cycle ${cycle})`),
    durationMs,
    ...(NO_GOAL.has(cycle) ? {} : { goalsMet: MET.has(cycle) }),
    learned: cycle % 3,
    activeLessons: Math.min(cycle, 4),
    sensors: { cpuTempC: 50 + cycle + (cycle === 12 ? 0.5 : 0), availableRamMB: 900 - cycle * 10, totalRamMB: 1024 },
  };
}

function lesson(id: string, kind: LessonKind, status: LessonStatus, source: LessonSource, text: string): Lesson {
  return {
    id,
    text,
    kind,
    scope: { goal: "shopping-list", keywords: [] },
    evidence: [],
    helpful: 2,
    harmful: 0,
    status,
    source,
    tainted: false,
    createdAt: cycleStart(1).toISOString(),
    createdCycle: 1,
    history: [],
  };
}

/** The db.json content of the prepared state. */
export function makeStatusDb(): DbData {
  const cycles = Array.from({ length: EXPECTED.cycles }, (_, index) =>
    cycleRecord(index + 1, index + 1 === EXPECTED.cycles ? HOSTILE_SUMMARY : undefined),
  );
  const learning = createEmptyLearningData();
  learning.lessons = [
    lesson("L5", "fact", "provisional", "self", HOSTILE_LESSON),
    lesson("L1", "fact", "pinned", "operator", "Always list milk first."),
    lesson("L2", "fact", "trusted", "self", "Write shopping.txt before running the check."),
    lesson("L3", "avoid", "provisional", "self", "Avoid `cat missing.txt`: it fails with ENOENT."),
    lesson("L4", "avoid", "retired", "self", "Retired lesson about an old world."),
  ];
  learning.nextLessonId = 6;
  learning.skills = [
    {
      id: "S1",
      goal: "shopping-list",
      steps: [],
      successes: 3,
      failures: 0,
      status: "active",
      createdAt: cycleStart(4).toISOString(),
      createdCycle: 4,
      evidence: [],
      history: [],
    },
  ];
  learning.nextSkillId = 2;
  const last = cycles[cycles.length - 1];
  return {
    version: 3,
    cycle: { count: EXPECTED.cycles, ...(last ? { lastStartedAt: last.startedAt, lastEndedAt: last.endedAt } : {}) },
    goals: { "shopping-list": { attempts: 10, lastCheckPassed: true } },
    cycles,
    learning,
  };
}

/**
 * A state dir with the prepared db.json and the schedule `cron`; without the test model unless `withModel`. Its one
 * goal's check already passes, so a daemon on it runs no model.
 */
export async function makeStatusState(
  cron = "*/30 * * * *",
  withModel = false,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const state = await makeStateDir({
    withModel,
    workspace: { "shopping.txt": "milk\n" },
    config: { schedule: { cron } },
  });
  await writeFile(path.join(state.dir, "db.json"), `${JSON.stringify(makeStatusDb(), null, 2)}\n`);
  return state;
}
