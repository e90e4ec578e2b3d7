// Commits a cycle's end to the state history (for the operator's `apprentice history`): a failure to record it is logged and costs the cycle nothing.
import { recordHistory } from "../history/state-history.js";
import type { LedgerDeps } from "./ledger-deps.js";

/**
 * Records cycle `cycle` in the history with `subject` (and `lines`) when history is enabled, at `now()` (asked only
 * then); never throws for a failed commit.
 */
export async function recordCycleHistory(
  deps: LedgerDeps,
  cycle: number,
  subject: string,
  now: () => Date,
  lines?: string[],
): Promise<void> {
  if (!deps.config.history.enabled) return;
  await recordHistory(deps.paths, {
    event: "cycle",
    cycle,
    subject,
    ...(lines !== undefined ? { lines } : {}),
    now: now(),
  }).catch((error: unknown) =>
    deps.logger.warn(
      `history: could not record cycle ${cycle}: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
}
