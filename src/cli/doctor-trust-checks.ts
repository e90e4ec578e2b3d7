// The doctor's checks of who can write what: the operator channel (operator/ owned by the daemon's user, 0700) and
// the operator's files (state dir, config, goals, charter) writable by their owner only. Reads only.
import { readFile, stat } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import type { LockHolder } from "../daemon/state-lock.js";
import { currentEuid, formatMode, judgeOperatorDir } from "../memory/operator-channel.js";
import type { StatePaths } from "../memory/state-paths.js";
import { describeUid, findUserName } from "../memory/user-names.js";
import { toOneLine } from "../text/safe-text.js";
import type { DoctorCheck } from "./doctor-checks.js";

/**
 * Judges operator/ as the daemon would: for the running daemon's user when one holds the lock (its effective uid,
 * from /proc), else for the user running doctor. A folder the daemon would refuse fails; one that only belongs to
 * someone other than the user running doctor, with no daemon to say whose it should be, warns.
 */
export async function checkOperatorChannel(
  paths: StatePaths,
  readLockHolder: () => Promise<LockHolder | undefined>,
): Promise<DoctorCheck> {
  const me = currentEuid();
  const daemonUid = await readDaemonEuid(readLockHolder);
  const expected = daemonUid ?? me;
  const verdict = await judgeOperatorDir(paths, expected);
  const dir = toOneLine(paths.operator);
  if (verdict.ok) {
    const who = expected === undefined ? "this user" : await describeUid(expected);
    const daemon = daemonUid !== undefined ? "the running daemon's user" : "you";
    const also =
      me !== expected && expected !== undefined
        ? `; you are ${me === undefined ? "another user" : await describeUid(me)}: run \`teach\` and \`lessons pin|retire|forget\` as ${who}`
        : "";
    return {
      id: "operator",
      status: "ok",
      finding: `${dir} belongs to ${who} (${daemon}) and nobody else can write it or the state dir: the daemon believes requests there${also}`,
    };
  }
  const noDaemonToAsk =
    daemonUid === undefined && (verdict.problem === "foreign-owner" || verdict.problem === "unreadable");
  if (noDaemonToAsk) {
    const owner = (await stat(paths.operator)).uid;
    const name = await findUserName(owner);
    return {
      id: "operator",
      status: "warn",
      finding: `${dir} belongs to ${await describeUid(owner)}, not to you: a daemon running as you would refuse every request in it`,
      remedy: `run the daemon, \`teach\`, \`lessons pin|retire|forget\` and doctor as its owner, e.g. sudo -u ${name ?? `'#${owner}'`} apprentice doctor`,
    };
  }
  if (verdict.problem === "missing") {
    return { id: "operator", status: "warn", finding: verdict.detail, remedy: verdict.fix };
  }
  return {
    id: "operator",
    status: "fail",
    finding: `${verdict.detail}: the daemon applies nothing from operator/`,
    remedy: verdict.fix,
  };
}

/** The effective uid of the daemon holding the lock, from /proc/<pid>/status; undefined when none runs or it cannot be read. */
async function readDaemonEuid(readLockHolder: () => Promise<LockHolder | undefined>): Promise<number | undefined> {
  const holder = await readLockHolder().catch((error: unknown) => {
    // The lock check reports an unreadable lock; here it only means no daemon to ask.
    if (error instanceof Error) return undefined;
    throw error;
  });
  // Another host's pid says nothing about a process here.
  if (holder === undefined || !holder.alive || holder.hostname !== hostname()) return undefined;
  const status = await readFile(`/proc/${holder.pid}/status`, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "EACCES") return "";
    throw error;
  });
  const match = /^Uid:\s+\d+\s+(\d+)/m.exec(status);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Warns when inbox/ is missing, or when the state dir, config.json, goals.yaml or charter.md can be written by their
 * group or others: whoever can write those acts as the operator (a goal's check is a command; config allows commands;
 * a writable state dir lets them put any folder in operator/'s place).
 */
export async function checkOperatorFiles(paths: StatePaths): Promise<DoctorCheck> {
  const problems: string[] = [];
  const open: string[] = [];
  const inbox = await stat(paths.inbox).catch(() => undefined);
  if (inbox === undefined || !inbox.isDirectory()) problems.push("inbox/ is missing, so messages have nowhere to go");
  for (const file of [paths.root, paths.config, paths.goals, paths.charter]) {
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || (info.mode & 0o022) === 0) continue;
    const name = file === paths.root ? `the state dir ${toOneLine(paths.root)}` : path.basename(file);
    problems.push(`${name} is writable by its group or others (mode ${formatMode(info.mode)})`);
    open.push(toOneLine(file));
  }
  if (problems.length === 0)
    return {
      id: "permissions",
      status: "ok",
      finding:
        "the state dir, config.json, goals.yaml and charter.md are writable by their owner only; inbox/ is there",
    };
  const fixes = [
    ...(open.length > 0
      ? [
          `chmod go-w ${open.join(" ")} (whoever can write them acts as the operator; give a mail or chat bridge write access to inbox/ only)`,
        ]
      : []),
    ...(inbox === undefined || !inbox.isDirectory() ? [`mkdir ${toOneLine(paths.inbox)}`] : []),
  ];
  return { id: "permissions", status: "warn", finding: problems.join("; "), remedy: fixes.join("; ") };
}
