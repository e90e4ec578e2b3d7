// How the CLI hands a running daemon an operator request: a 0600 file written (temp file, then rename) into operator/,
// and only after checking that operator/ belongs to this user, since the daemon believes nothing else.
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileDurably } from "../memory/durable-write.js";
import { currentEuid, judgeOperatorDir } from "../memory/operator-channel.js";
import type { StatePaths } from "../memory/state-paths.js";
import { findUserName } from "../memory/user-names.js";

/** Where the request went, or the one line to print before exiting 2. */
export type QueueOutcome = { ok: true; file: string } | { ok: false; message: string };

/**
 * Writes `text` as `operator/<time>-<pid><suffix>` (mode 0600), where the state watcher wakes the daemon. Refuses when
 * operator/ belongs to another user (the daemon would refuse the file; the message says whom to run as, e.g. `sudo -u
 * apprentice apprentice teach …`) or is open to others. A missing operator/ is created 0700 only when the state dir
 * is this user's, so root never makes one the daemon's user cannot use. `command` is how the message names the command.
 */
export async function queueOperatorRequest(
  paths: StatePaths,
  now: Date,
  suffix: string,
  text: string,
  command: string,
): Promise<QueueOutcome> {
  const euid = currentEuid();
  const rootOwner = (await stat(paths.root)).uid;
  if (euid !== undefined && rootOwner === euid) await mkdir(paths.operator, { mode: 0o700 }).catch(ignoreExisting);
  const verdict = await judgeOperatorDir(paths, euid);
  if (!verdict.ok) {
    const owner = verdict.ownerUid ?? (verdict.problem === "missing" ? rootOwner : undefined);
    if (owner !== undefined && owner !== euid)
      return { ok: false, message: await describeForeignOwner(owner, command) };
    return { ok: false, message: `${verdict.detail}, so the daemon would not believe a request there: ${verdict.fix}` };
  }
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const file = path.join(paths.operator, `${stamp}-${process.pid}${suffix}`);
  await writeFileDurably(file, text, { mode: 0o600 });
  return { ok: true, file };
}

async function describeForeignOwner(owner: number, command: string): Promise<string> {
  const name = await findUserName(owner);
  const who = name === undefined ? `uid ${owner}` : `uid ${owner} (${name})`;
  return `operator/ belongs to ${who}, not to you: run this as that user, e.g. sudo -u ${name ?? `'#${owner}'`} apprentice ${command} …`;
}

function ignoreExisting(error: NodeJS.ErrnoException): void {
  if (error.code !== "EEXIST") throw error;
}
