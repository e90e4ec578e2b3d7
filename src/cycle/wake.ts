// The wake stage: finish what a crash left, apply the operator's requests, and read the goals and the inbox; needs no model and waits for nothing.
import { loadCharter } from "../memory/charter-file.js";
import { loadGoals, type Goal } from "../memory/goals-file.js";
import { readInbox, type InboxMessage } from "../memory/inbox.js";
import type { CycleLedger } from "../record/ledger.js";
import type { CycleDeps } from "./cycle-deps.js";
import type { FailedCycle } from "./cycle-result.js";
import { ingestOperatorRequests } from "./ingest-operator-requests.js";

/**
 * What a cycle woke to: every goal of goals.yaml, the charter (charter.md, capped) and every inbox message (world
 * content, quoted, never applied).
 */
export type Woken =
  { ok: true; goals: Goal[]; charter: string; inbox: InboxMessage[] } | { ok: false; result: FailedCycle };

/**
 * Recovers an interrupted cycle, applies the operator's requests (operator/, believed only when the OS vouches for
 * their writer; even a goals.yaml that must be fixed first does not hold them up), then reads goals.yaml, charter.md
 * and the inbox, logging what was skipped in them. A goals.yaml or charter.md that cannot be used is the operator's to
 * fix: a failed result with the reader's message (`doctor` reports the same one).
 */
export async function wake(deps: CycleDeps, ledger: CycleLedger): Promise<Woken> {
  const { logger, paths } = deps;
  await ledger.recover();
  await ingestOperatorRequests(deps);
  const goalsResult = await loadGoals(paths.goals);
  if (!goalsResult.ok)
    return { ok: false, result: { status: "failed", reason: goalsResult.error, operatorError: true } };
  if (goalsResult.warning !== undefined) logger.warn(goalsResult.warning);
  const charter = await loadCharter(paths.charter);
  if (!charter.ok) return { ok: false, result: { status: "failed", reason: charter.error, operatorError: true } };
  if (charter.warning !== undefined) logger.warn(charter.warning);
  const inboxRead = await readInbox(paths.inbox);
  for (const note of inboxRead.skipped) logger.warn(`inbox/${note}`);
  for (const message of inboxRead.messages) {
    for (const warning of message.warnings) logger.warn(`inbox/${message.file}: ${warning}`);
  }
  // Every inbox file is a message, whatever its name.
  return { ok: true, goals: goalsResult.goals, charter: charter.text, inbox: inboxRead.messages };
}
