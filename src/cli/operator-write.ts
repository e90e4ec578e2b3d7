// One way for operator commands to change lessons while keeping one writer: write directly under the state lock when
// it is free (then note it in the journal and the history), or report that a daemon holds it so the caller queues.
import { appendOperatorLessonsNote } from "../cycle/ingest-operator-requests.js";
import { acquireStateLock } from "../daemon/state-lock.js";
import { recordHistory } from "../history/state-history.js";
import { renderLessonsMarkdown } from "../learning/lessons-markdown.js";
import { writeDb, type StateDb } from "../memory/db.js";
import { replaceFile } from "../memory/durable-write.js";
import type { StatePaths } from "../memory/state-paths.js";
import type { CliContext } from "./cli-context.js";
import { loadDb, readConfig } from "./read-state.js";

/** What a change function returns: journal lines (Markdown list items) when it changed db.data, or its own outcome. */
export type OperatorChange<T> = { changed: true; lines: string[]; value: T } | { changed: false; value: T };

export type OperatorWriteOutcome<T> =
  | { status: "written"; value: T }
  | { status: "unchanged"; value: T }
  | { status: "held"; holderPid?: number }
  | { status: "error"; message: string };

/**
 * Takes the state lock if it is free and runs `change` on a fresh read of the db. When it changed something, writes
 * the db (lessons.json or lessons-changes.jsonl, and db.json when it changed), re-renders lessons.md, appends an `Operator lessons` note to today's journal and records an `operator`
 * history entry titled `subject` (unless history is turned off in config). A history failure is a warning, not an
 * error: the change itself is already durable.
 */
export async function writeLessonsUnlessDaemon<T>(
  context: CliContext,
  paths: StatePaths,
  subject: string,
  change: (db: StateDb, now: Date) => OperatorChange<T>,
): Promise<OperatorWriteOutcome<T>> {
  const lock = await acquireStateLock(paths.root, { logger: context.logger, clock: context.clock });
  if (!lock.ok) {
    if (lock.reason === "error") return { status: "error", message: lock.message };
    return { status: "held", ...(lock.holderPid !== undefined ? { holderPid: lock.holderPid } : {}) };
  }
  try {
    const db = await loadDb(paths);
    const now = context.clock();
    const result = change(db, now);
    if (!result.changed) return { status: "unchanged", value: result.value };
    await writeDb(db);
    await replaceFile(paths.lessons, renderLessonsMarkdown(db.data.learning, now, db.data.cycle.count));
    await appendOperatorLessonsNote(paths.journal, result.lines, now);
    const historyOn = await readConfig(paths).then(
      (config) => config.history.enabled,
      () => true,
    );
    if (historyOn) {
      await recordHistory(paths, {
        event: "operator",
        cycle: db.data.cycle.count,
        subject,
        lines: result.lines,
        now,
      }).catch((error: unknown) =>
        context.logger.warn(
          `history: could not record the change: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
    return { status: "written", value: result.value };
  } finally {
    await lock.release();
  }
}
