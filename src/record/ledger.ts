// The ledger of a cycle's records: the only writer of db.json's cycle index and goal progress, the cycle marker, a cycle's episodes, its journal entry, its inbox archive and its history commit, always in the crash-safe order.
//
// The order: cycle.json marks the cycle in progress (begin) → steps and checks are appended to episodes.jsonl as they
// happen → at the end the episodes are fsynced, then db.json gets the cycle's record with its journal entry pending
// (finish) → the journal entry is appended → the inbox files it read are archived → the history commit. A crash at any
// point is finished at the next wake (recover): a marker with no record becomes an `interrupted` record; a pending
// entry is appended unless the day file has it whole, and its inbox files are archived unless they changed since.
// So the journal never tells of a cycle db.json lacks, and no inbox message is read twice.
import { statSync } from "node:fs";
import path from "node:path";
import type { StepRecord } from "../cycle/act-loop.js";
import type { SkippedCycle } from "../cycle/cycle-result.js";
import { applyRetention } from "../cycle/apply-retention.js";
import type { CycleEvent } from "../events/cycle-event.js";
import type { CheckResult } from "../cycle/run-check.js";
import type { ServedGoal } from "../cycle/serve-goals.js";
import type { LearningData } from "../learning/types.js";
import { appendCycleRecord, writeCycleMarker, writeDb, writeDbAfter, type GoalProgress } from "../memory/db.js";
import type { InboxMessage } from "../memory/inbox.js";
import { formatLocalDate, renderJournalEntry } from "../memory/journal.js";
import type { SkipReason } from "../sense/gate.js";
import type { Sensors } from "../sense/read-sensors.js";
import { toOneLine } from "../text/safe-text.js";
import { completePendingJournal } from "./complete-pending-journal.js";
import { buildCycleRecord, cycleSensors, outcomeStatus, type CycleOutcome } from "./cycle-outcome.js";
import { buildJournalEntry } from "./journal-entry.js";
import type { LedgerDeps } from "./ledger-deps.js";
import { recordCycleHistory } from "./record-history.js";
import { recoverInterruptedCycle } from "./recover-cycle.js";

/**
 * Writes a cycle's records through {@link LedgerDeps}; one per cycle (it keeps no state of its own beyond the db). It
 * records steps and checks from the cycle's events ({@link take}, subscribed first for the cycle's length) and emits
 * `cycle-began`, `cycle-recorded` and `cycle-skipped` once what they tell of is written.
 */
export class CycleLedger {
  constructor(private readonly deps: LedgerDeps) {}

  /** Records what `event` tells of that belongs in the records: a step's episode, a check's episode and progress. */
  readonly take = async (event: CycleEvent): Promise<void> => {
    if (event.type === "tool-done") await this.recordStep(event.cycle, event.record);
    else if (event.type === "check-done") await this.recordCheck(event.goal, event.command, event.result, event.detail);
  };

  /** Whether a cycle has begun (and not finished): checks run before it are the goals' pre-checks. */
  get cycleRunning(): boolean {
    return this.deps.db.data.cycle.inProgress !== undefined;
  }

  /** The running cycle's number, or the last one's before a cycle began. */
  get currentCycle(): number {
    const { cycle } = this.deps.db.data;
    return cycle.inProgress?.cycle ?? cycle.count;
  }

  /** Each goal's progress (checks, attempts) as recorded so far; read-only for the stages. */
  get goalProgress(): Readonly<Record<string, GoalProgress>> {
    return this.deps.db.data.goals;
  }

  /** The lessons, skills and situations; the act and reflect stages change them in memory, {@link finish} writes them. */
  get learning(): LearningData {
    return this.deps.db.data.learning;
  }

  /** Finishes what a crash left (see {@link recoverInterruptedCycle}); does nothing after a clean end. */
  async recover(): Promise<void> {
    await recoverInterruptedCycle(this.deps);
  }

  /**
   * Records one run of `goal`'s check `command`: its progress in memory (written with the next db write) and a
   * `check` line in episodes.jsonl under the running cycle (or the last one, before a cycle started).
   */
  async recordCheck(goal: string, command: string, result: CheckResult, detail: string): Promise<void> {
    const { db } = this.deps;
    const at = this.deps.clock().toISOString();
    const record = (db.data.goals[goal] ??= { attempts: 0 });
    record.lastCheckedAt = at;
    record.lastCheckPassed = result.passed;
    record.lastCheckOutput = result.output.slice(0, 500);
    if (result.passed) record.doneAt = at;
    await this.deps.episodes.append({
      v: 1,
      kind: "check",
      id: `check-${goal}-${at}`,
      cycle: this.currentCycle,
      step: 0,
      at,
      goal,
      tool: "check",
      args: { command },
      ok: result.passed,
      ...(result.passed ? {} : { error: detail }),
      output: result.output,
      durationMs: result.durationMs,
    });
  }

  /** Writes the goals' progress now (a goal met before any work is done for good, whatever the cycle does next). */
  async saveGoalProgress(): Promise<void> {
    await writeDb(this.deps.db);
  }

  /**
   * A skipped cycle loads nothing and writes little: the reason goes to the log and, unless it is `nothing-to-do` or
   * `stopping`, into db.json's `lastSkip` with the sensor reading. Returns the skip as the cycle's result.
   */
  async recordSkip(reason: SkipReason, detail: string, sensors?: Sensors): Promise<SkippedCycle> {
    const { db, logger } = this.deps;
    const level = reason === "nothing-to-do" ? "debug" : reason === "stopping" ? "info" : "warn";
    logger[level](`cycle skipped (${reason}): ${detail}`);
    if (reason !== "nothing-to-do" && reason !== "stopping") {
      db.data.lastSkip = {
        at: this.deps.clock().toISOString(),
        reason,
        detail,
        ...(sensors !== undefined ? { sensors: cycleSensors(sensors) } : {}),
      };
      await writeDb(db);
    }
    await this.deps.events.emit({ type: "cycle-skipped", reason, detail });
    return { status: "skipped", reason, detail };
  }

  /**
   * Gives the cycle started at `startedAt` its number and marks it in progress (cycle.json, a few bytes), so a crash
   * is noticed on the next start; the count and start time reach db.json with the cycle's end, and the marker carries
   * them till then. Returns the number.
   */
  async begin(startedAt: Date): Promise<number> {
    const { db } = this.deps;
    const cycle = db.data.cycle.count + 1;
    db.data.cycle.count = cycle;
    db.data.cycle.lastStartedAt = startedAt.toISOString();
    db.data.cycle.inProgress = { cycle, startedAt: startedAt.toISOString(), pid: process.pid };
    await writeCycleMarker(db);
    await this.deps.events.emit({ type: "cycle-began", cycle, startedAt: startedAt.toISOString() });
    return cycle;
  }

  /** Appends step `record` of cycle `cycle` to episodes.jsonl (it survives a kill; {@link finish} fsyncs it). */
  async recordStep(cycle: number, record: StepRecord): Promise<void> {
    await this.deps.episodes.append({
      v: 1,
      kind: "step",
      id: `c${cycle}s${record.step}`,
      cycle,
      at: this.deps.clock().toISOString(),
      ...withLeanUsage(record),
    });
  }

  /**
   * Counts an attempt, at `at` (ISO), for each goal the cycle worked on. One the budget ran out before keeps its older
   * time, and so goes first next cycle (see orderGoals).
   */
  recordAttempts(served: readonly ServedGoal[], at: string): void {
    for (const goal of served.filter((each) => each.attempted)) {
      const record = (this.deps.db.data.goals[goal.id] ??= { attempts: 0 });
      record.attempts += 1;
      record.lastWorkedAt = at;
    }
  }

  /**
   * Records the cycle's end (see the file's header for the order), then keeps the logs to size. `endedAt` (ISO) is
   * when its work ended. Returns the journal day file.
   */
  async finish(outcome: CycleOutcome, endedAt: string): Promise<{ journalFile: string }> {
    const { db, paths } = this.deps;
    const status = outcomeStatus(outcome);
    // Record, then tell: db.json gets the cycle's record together with its journal entry (and the inbox files it
    // read); the journal and the inbox archive follow. A crash in between leaves db.json with a pending entry that the
    // next cycle completes, so the journal never reports a cycle db.json lacks and no message is read twice.
    const journalDay = this.deps.clock();
    const text = renderJournalEntry(buildJournalEntry(outcome));
    const inbox = status === "ran" ? statInboxRead(paths.inbox, outcome.inbox) : [];
    db.data.cycle.pendingJournal = { cycle: outcome.cycle, day: formatLocalDate(journalDay), text, inbox };
    appendCycleRecord(
      db,
      buildCycleRecord(
        outcome,
        endedAt,
        db.data.learning.lessons.filter((lesson) => lesson.status !== "retired").length,
      ),
    );
    db.data.cycle.lastEndedAt = endedAt;
    delete db.data.cycle.inProgress;
    // The record refers to the episodes, so they are flushed first; the db write is prepared while they flush.
    await writeDbAfter(db, this.deps.episodes.sync());
    const { journalFile } = await completePendingJournal(this.deps, { justRecorded: true });
    await recordCycleHistory(
      this.deps,
      outcome.cycle,
      historySubject(outcome),
      this.deps.clock,
      outcome.learned.map((delta) => `- ${delta.id} ${delta.change}: ${oneLine(delta.reason, 200)}`),
    );
    await this.applyRetention(outcome.cycle);
    this.logEnd(outcome);
    await this.deps.events.emit({
      type: "cycle-recorded",
      cycle: outcome.cycle,
      status,
      durationMs: outcome.durationMs,
      ...(outcome.summary !== undefined ? { summary: outcome.summary } : {}),
      journalFile,
    });
    return { journalFile };
  }

  /** Keeps the logs to size: housekeeping, so a failure is logged and tried again next cycle. */
  private async applyRetention(cycle: number): Promise<void> {
    const { config, paths, logger } = this.deps;
    await applyRetention({
      cycle,
      config,
      paths,
      learning: this.learning,
      episodes: this.deps.episodes,
      now: this.deps.clock(),
    }).then(
      (done) => done.forEach((line) => logger.info(`retention: ${line}`)),
      (error: unknown) => logger.warn(`retention: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private logEnd(outcome: CycleOutcome): void {
    const failed = outcome.steps.filter((step) => !step.ok).length;
    const checks = outcome.checks.map((check) => `${check.goal}=${check.passed ? "pass" : "fail"}`).join(" ") || "none";
    this.deps.logger.info(
      `cycle ${outcome.cycle} ${outcomeStatus(outcome)} in ${(outcome.durationMs / 1000).toFixed(1)} s: ${outcome.steps.length} steps, ${failed} failed, checks ${checks}`,
    );
  }
}

/** The inbox messages read that are still in `inbox/`, each with its size and mtime now (see `pendingJournal`). */
function statInboxRead(
  inboxDir: string,
  messages: readonly InboxMessage[],
): Array<{ file: string; size: number; mtimeMs: number }> {
  return messages.flatMap((message) => {
    const info = statSync(path.join(inboxDir, message.file), { throwIfNoEntry: false });
    return info === undefined ? [] : [{ file: message.file, size: info.size, mtimeMs: info.mtimeMs }];
  });
}

/** The history commit's subject: the cycle, its status and time, and its summary or failure on one line. */
function historySubject(outcome: CycleOutcome): string {
  const { summary, failure } = outcome;
  const tail =
    summary !== undefined ? `: ${oneLine(summary, 120)}` : failure !== undefined ? `: ${oneLine(failure, 120)}` : "";
  return `Cycle ${outcome.cycle} ${outcomeStatus(outcome)} in ${(outcome.durationMs / 1000).toFixed(1)} s${tail}`;
}

/** Text collapsed to one line, its controls shown visibly, and capped, for a commit message. */
function oneLine(text: string, maxChars: number): string {
  return toOneLine(text.replace(/\s+/g, " ").trim(), maxChars);
}

/**
 * `record` with its usage as an episode line keeps it: the prompt's parts and the context size go to the cycle's
 * `tokens` record instead, and the parts' counting time to no record, so episodes.jsonl, cut by size, keeps as many
 * steps as before.
 */
function withLeanUsage(record: StepRecord): StepRecord {
  if (record.usage === undefined) return record;
  const { promptParts: _parts, contextSize: _context, promptPartsMs: _partsMs, ...usage } = record.usage;
  return { ...record, usage };
}
