// Finishes a recorded cycle's telling: appends its pending journal entry and archives the inbox files it read. Safe to run again after a crash: nothing is told twice.
import { statSync } from "node:fs";
import path from "node:path";
import { archiveInbox } from "../memory/inbox.js";
import { appendRenderedEntry, completeJournalEntry } from "../memory/journal.js";
import type { LedgerDeps } from "./ledger-deps.js";

/**
 * Appends the pending journal entry of the last recorded cycle (unless it is there whole already) and archives the
 * inbox files it read that are still in `inbox/`, then drops it from memory; the next db write leaves it out. Returns
 * the journal day file and what had to be repaired (nothing when `justRecorded`).
 * @param options.justRecorded the entry was recorded by this process a moment ago: it cannot be in the journal yet.
 */
export async function completePendingJournal(
  deps: LedgerDeps,
  options: { justRecorded?: boolean } = {},
): Promise<{ journalFile: string; repaired: string[] }> {
  const pending = deps.db.data.cycle.pendingJournal;
  if (pending === undefined) throw new Error("completePendingJournal: no journal entry is pending");
  const [year, month, date] = pending.day.split("-").map(Number) as [number, number, number];
  const day = new Date(year, month - 1, date, 12);
  const warn = (message: string): void => deps.logger.warn(message);
  // Just recorded by this process: the entry cannot be there yet, and reading a big day file every cycle is waste.
  let journal: Awaited<ReturnType<typeof completeJournalEntry>> = "appended";
  if (options.justRecorded === true) await appendRenderedEntry(deps.paths.journal, day, pending.text, deps.clock, warn);
  else journal = await completeJournalEntry(deps.paths.journal, day, pending.text, deps.clock, warn);
  // Just recorded: the files the cycle read. After a crash: those still waiting as they were read (a file of the same
  // name with another size or mtime was dropped later, after a rollback say, and is a new message).
  const stillThere = pending.inbox
    .filter((read) => {
      const info = statSync(path.join(deps.paths.inbox, read.file), { throwIfNoEntry: false });
      return (
        info !== undefined &&
        (options.justRecorded === true || (info.size === read.size && info.mtimeMs === read.mtimeMs))
      );
    })
    .map((read) => read.file);
  await archiveInbox(deps.paths.inbox, deps.paths.inboxProcessed, stillThere, pending.cycle);
  delete deps.db.data.cycle.pendingJournal;
  const repaired = [
    ...(journal !== "present" ? [`journal entry ${journal}`] : []),
    ...(stillThere.length > 0 ? [`${stillThere.length} inbox files archived`] : []),
  ];
  return { journalFile: path.join(deps.paths.journal, `${pending.day}.md`), repaired };
}
