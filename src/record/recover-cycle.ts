// Recovery at wake: a cycle cut off by a crash (kill -9, power cut) is recorded as interrupted, and a recorded cycle whose telling a crash cut off is told now.
import { appendCycleRecord, writeDb } from "../memory/db.js";
import { formatLocalDate, renderJournalEntry } from "../memory/journal.js";
import { completePendingJournal } from "./complete-pending-journal.js";
import type { LedgerDeps } from "./ledger-deps.js";
import { recordCycleHistory } from "./record-history.js";

/**
 * Finishes what a crash left: the pending journal entry and inbox archive of the last recorded cycle, then a cycle
 * still marked in progress (cycle.json), which is recorded as interrupted so the journal and the cycle index say what
 * happened; the episodes it wrote before the crash stay in the log. Does nothing after a clean end.
 */
export async function recoverInterruptedCycle(deps: LedgerDeps): Promise<void> {
  if (deps.db.data.cycle.pendingJournal !== undefined) {
    const { cycle } = deps.db.data.cycle.pendingJournal;
    // Normally done long ago (the entry stays in db.json until the next write): then this only reads the day file.
    const { repaired } = await completePendingJournal(deps);
    if (repaired.length > 0) {
      deps.logger.warn(
        `cycle ${cycle} was recorded, but a crash cut off its end; completed now: ${repaired.join(", ")}`,
      );
      if (deps.db.data.cycle.inProgress === undefined) await writeDb(deps.db);
    }
  }
  const inProgress = deps.db.data.cycle.inProgress;
  if (inProgress === undefined) return;
  const { cycle: counter } = deps.db.data;
  // The count reaches db.json only with a cycle's end: the marker's number is taken, whatever db.json says.
  if (counter.count < inProgress.cycle) {
    counter.count = inProgress.cycle;
    counter.lastStartedAt = inProgress.startedAt;
  }
  // Cut off after its record was written but before the marker was removed: nothing was lost, only the marker is left.
  if (
    deps.db.data.cycles.some((record) => record.cycle === inProgress.cycle && record.startedAt === inProgress.startedAt)
  ) {
    delete counter.inProgress;
    await writeDb(deps.db);
    return;
  }
  const now = deps.clock();
  const reason = `the process (pid ${inProgress.pid}) stopped mid-cycle; steps recorded before that are kept in episodes.jsonl`;
  deps.logger.warn(`cycle ${inProgress.cycle} was interrupted: ${reason}`);
  const text = renderJournalEntry({
    cycle: inProgress.cycle,
    startedAt: new Date(inProgress.startedAt),
    durationMs: 0,
    status: "interrupted",
    reason,
    goals: [],
    steps: [],
    checks: [],
    notes: [],
    learned: [],
  });
  // Recorded as a finished cycle is: db.json with the record and the pending entry first, then the journal and history.
  deps.db.data.cycle.pendingJournal = { cycle: inProgress.cycle, day: formatLocalDate(now), text, inbox: [] };
  appendCycleRecord(deps.db, {
    cycle: inProgress.cycle,
    startedAt: inProgress.startedAt,
    endedAt: now.toISOString(),
    status: "interrupted",
    reason,
    steps: 0,
    failedSteps: 0,
    durationMs: Math.max(0, now.getTime() - Date.parse(inProgress.startedAt)),
  });
  delete deps.db.data.cycle.inProgress;
  await writeDb(deps.db);
  await completePendingJournal(deps, { justRecorded: true });
  // Its own history entry, so `apprentice history` shows the interruption where it happened.
  await recordCycleHistory(deps, inProgress.cycle, `Cycle ${inProgress.cycle} interrupted: ${reason}`, () => now);
}
