// `apprentice history [show CYCLE]`, `rollback CYCLE` and `fork DIR`: read, restore and copy the state's per-cycle history.
import fs from "node:fs";
import { appendFile, copyFile, cp, link, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { InvalidArgumentError, type Command, type Option } from "commander";
import { acquireStateLock, readLockHolder } from "../daemon/state-lock.js";
import {
  describeTracked,
  diffEntry,
  findCycleEntry,
  listHistory,
  recordHistory,
  restoreEntry,
  type HistoryEntry,
} from "../history/state-history.js";
import { readDbData, recordIssuedIds } from "../memory/db.js";
import { formatLocalDate } from "../memory/journal.js";
import { statePaths, type StatePaths } from "../memory/state-paths.js";
import { createCliContext, EXIT, type CliContext } from "./cli-context.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

/** How long `rollback --stop` waits for the daemon to let go of the lock. */
const STOP_WAIT_MS = 60_000;

export function registerHistoryCommands(program: Command): void {
  const history = program
    .command("history")
    .description("one line per recorded cycle: number, time, summary and what was learned (from .history/, a git dir)")
    .option("-n <count>", "newest entries to show", parseCount, 20)
    .option("--json", "print the entries as JSON")
    // `history show 3 --json` is show's own --json, and -n is not taken after `show`: history's options come first.
    .enablePositionalOptions()
    .addHelpText("after", "\nThe history is plain git: git --git-dir=<state>/.history --work-tree=<state> log --stat\n")
    .action(async (options: { n: number; json?: boolean }, command: Command) => {
      process.exitCode = await run(command, (context) => listCommand(context, options.n, options.json === true));
    });
  history
    .command("show <cycle>")
    .description("what changed in the state at that cycle, as a diff against the entry before it")
    .option("--json", "print the changed files and their diffs as JSON")
    .configureHelp({ showGlobalOptions: true, visibleGlobalOptions: programOptions })
    .action(async (cycle: string, options: { json?: boolean }, command: Command) => {
      // `history --json show 3` gives the --json to history; either way it is asked for.
      const json = options.json === true || command.parent?.opts<{ json?: boolean }>().json === true;
      process.exitCode = await run(command, (context) => showCommand(context, cycle, json));
    });
  program
    .command("rollback <cycle>")
    .description(`restore ${describeTracked()} to what they were after that cycle`)
    .option("--stop", "stop a running daemon first (SIGTERM, then wait for it to let go)")
    .option("--json", "print what was restored as JSON")
    .addHelpText(
      "after",
      "\nThe current state is recorded first and the rollback is a new entry, so a rollback can itself be undone.\n",
    )
    .action(async (cycle: string, options: { stop?: boolean; json?: boolean }, command: Command) => {
      process.exitCode = await run(command, (context) =>
        rollbackCommand(context, cycle, options.stop === true, options.json === true),
      );
    });
  program
    .command("fork <dir>")
    .description(
      "copy the state dir, with its history, into a new state dir for an experiment (models are hard-linked)",
    )
    .option("--json", "print the new dir as JSON")
    .action(async (dir: string, options: { json?: boolean }, command: Command) => {
      process.exitCode = await run(command, (context) => forkCommand(context, dir, options.json === true));
    });
}

/**
 * The options a subcommand's help lists as global: the program's own (--state, --model, …), which every command
 * takes; not `history`'s -n and --json, which apply to the listing only (its options are positional).
 */
function programOptions(command: Command): Option[] {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root === command ? [] : root.options.filter((option) => !option.hidden);
}

class UsageError extends Error {}

async function run(command: Command, body: (context: CliContext) => Promise<number>): Promise<number> {
  const context = createCliContext(command);
  try {
    if (!fs.existsSync(statePaths(context.options.state).root))
      throw new UsageError(`no state dir at ${path.resolve(context.options.state)}`);
    return await body(context);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    printErr(`apprentice: ${error.message}\n`);
    return EXIT.usage;
  }
}

async function listCommand(context: CliContext, count: number, json: boolean): Promise<number> {
  const entries = await listHistory(statePaths(context.options.state), count);
  if (json) {
    printJsonLine(entries);
    return EXIT.ok;
  }
  if (entries.length === 0) {
    printOut("No history yet: an entry is recorded after each cycle that runs.\n");
    return EXIT.ok;
  }
  for (const entry of entries.slice().reverse()) {
    // Cycles show their number; operator changes, rollbacks and forks show what they were (they follow that cycle).
    const label = entry.event === "cycle" ? (entry.cycle !== undefined ? `#${entry.cycle}` : "-") : entry.event;
    printOut(`${label.padStart(8)}  ${formatTime(entry.at)}  ${entry.subject}\n`);
    for (const line of entry.body.split("\n").filter((text) => text.length > 0)) printOut(`${" ".repeat(28)}${line}\n`);
  }
  return EXIT.ok;
}

async function showCommand(context: CliContext, cycleText: string, json: boolean): Promise<number> {
  const paths = statePaths(context.options.state);
  const entry = await requireCycleEntry(paths, cycleText);
  const changes = await diffEntry(paths, entry);
  if (json) {
    printJsonLine({ entry, changes });
    return EXIT.ok;
  }
  printOut(`${entry.subject}\n${formatTime(entry.at)}  entry ${entry.oid.slice(0, 12)}\n`);
  if (entry.body.length > 0) printOut(`${entry.body}\n`);
  printOut("\n");
  for (const change of changes) printOut(`${change.change} ${change.path}\n${change.patch}\n`);
  if (changes.length === 0) printOut("No tracked file changed.\n");
  return EXIT.ok;
}

async function rollbackCommand(context: CliContext, cycleText: string, stop: boolean, json: boolean): Promise<number> {
  const paths = statePaths(context.options.state);
  const entry = await requireCycleEntry(paths, cycleText);
  const release = await takeLock(context, paths, stop);
  try {
    const now = context.clock();
    // Nothing is lost: whatever changed since the last entry (an operator's edit, say) is recorded first.
    await recordHistory(paths, { event: "operator", cycle: entry.cycle ?? 0, subject: "State before a rollback", now });
    // Lesson and skill ids name things in the history and the journal: one handed out before the rollback is never
    // handed out again, though the restored db.json counts from lower.
    const issued = await readCounters(paths.db);
    if (issued !== undefined) await recordIssuedIds(paths.root, issued);
    const restored = await restoreEntry(paths, entry);
    const time = `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
    const note = `\n## Rollback — ${time}\n\nRestored the state after cycle ${entry.cycle} (history entry ${entry.oid.slice(0, 12)}). Later entries stay in the history: \`apprentice history\`.\n`;
    await mkdir(paths.journal, { recursive: true });
    await appendFile(path.join(paths.journal, `${formatLocalDate(now)}.md`), note);
    const oid = await recordHistory(paths, {
      event: "rollback",
      cycle: entry.cycle ?? 0,
      subject: `Rolled back to the state after cycle ${entry.cycle}`,
      lines: [`from entry ${entry.oid}`, ...restored.map((file) => `restored ${file}`)],
      now,
    });
    if (json) printJsonLine({ cycle: entry.cycle, from: entry.oid, restored, entry: oid });
    else
      printOut(
        `Restored the state after cycle ${entry.cycle}: ${restored.length > 0 ? restored.join(", ") : "nothing differed"}.\nRecorded as a new history entry; \`apprentice history\` shows it.\n`,
      );
    return EXIT.ok;
  } finally {
    await release();
  }
}

/** The db's next lesson and skill ids, or `undefined` when it cannot be read (a rollback may be its repair). */
async function readCounters(file: string): Promise<{ nextLessonId: number; nextSkillId: number } | undefined> {
  try {
    const { learning } = await readDbData(file);
    return { nextLessonId: learning.nextLessonId, nextSkillId: learning.nextSkillId };
  } catch {
    return undefined;
  }
}

async function forkCommand(context: CliContext, dir: string, json: boolean): Promise<number> {
  const from = statePaths(context.options.state);
  const to = statePaths(dir);
  if (fs.existsSync(to.root) && (await readdir(to.root)).length > 0)
    throw new UsageError(`${to.root} exists and is not empty; fork into a new dir`);
  const holder = await readLockHolder(from.root);
  const skip = new Set([path.join(from.root, "daemon.lock"), from.cache, from.models]);
  await cp(from.root, to.root, { recursive: true, filter: (source) => !skip.has(source) });
  const models = await linkModels(from.models, to.models);
  const cycle = await readCycleCount(from);
  await recordHistory(to, {
    event: "fork",
    cycle,
    subject: `Forked from ${from.root} after cycle ${cycle}`,
    now: context.clock(),
    allowEmpty: true,
  });
  const warning =
    holder?.alive === true
      ? `The daemon (pid ${holder.pid}) was running: each file is whole, but a cycle may have been between files.\n`
      : "";
  if (json) printJsonLine({ dir: to.root, from: from.root, cycle, models });
  else
    printOut(
      `${warning}Forked ${from.root} into ${to.root} (after cycle ${cycle}, ${models} model file(s) hard-linked or copied).\nRun it with: apprentice once --state ${to.root}\n`,
    );
  return EXIT.ok;
}

/** Hard-links each model file (GGUFs are large and never written); copies when a link is impossible (another filesystem). */
async function linkModels(fromDir: string, toDir: string): Promise<number> {
  const names = await readdir(fromDir).catch(() => [] as string[]);
  await mkdir(toDir, { recursive: true });
  for (const name of names) {
    const source = path.join(fromDir, name);
    const target = path.join(toDir, name);
    await link(source, target).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "EXDEV" && error.code !== "EPERM") throw error;
      await copyFile(source, target);
    });
  }
  return names.length;
}

async function readCycleCount(paths: StatePaths): Promise<number> {
  try {
    const db = JSON.parse(await fs.promises.readFile(paths.db, "utf8")) as { cycle?: { count?: unknown } };
    return typeof db.cycle?.count === "number" ? db.cycle.count : 0;
  } catch (error) {
    // A missing or corrupt db.json: the fork's first entry just says cycle 0.
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || error instanceof SyntaxError) return 0;
    throw error;
  }
}

async function requireCycleEntry(paths: StatePaths, cycleText: string): Promise<HistoryEntry> {
  const cycle = Number(cycleText);
  if (!Number.isInteger(cycle) || cycle < 0) throw new UsageError(`"${cycleText}" is not a cycle number`);
  const entry = await findCycleEntry(paths, cycle);
  if (entry !== undefined) return entry;
  const cycles = (await listHistory(paths))
    .filter((candidate) => candidate.event === "cycle" && candidate.cycle !== undefined)
    .map((candidate) => candidate.cycle as number);
  const range =
    cycles.length > 0
      ? `recorded cycles run from ${Math.min(...cycles)} to ${Math.max(...cycles)}`
      : "there is no recorded cycle yet";
  throw new UsageError(`no history entry for cycle ${cycle}; ${range}`);
}

/** Takes the state lock; with `stop`, asks a running daemon to stop and waits for its lock first. */
async function takeLock(context: CliContext, paths: StatePaths, stop: boolean): Promise<() => Promise<void>> {
  let result = await acquireStateLock(paths.root, { logger: context.logger });
  if (!result.ok && result.reason === "held" && stop && result.holderPid !== undefined) {
    printErr(`Stopping the daemon (pid ${result.holderPid})…\n`);
    process.kill(result.holderPid, "SIGTERM");
    const deadline = Date.now() + STOP_WAIT_MS;
    while (!result.ok && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      result = await acquireStateLock(paths.root, { logger: context.logger });
    }
  }
  if (!result.ok)
    throw new UsageError(
      `${result.message}${result.reason === "held" ? " (or pass --stop to stop it and roll back)" : ""}`,
    );
  return result.release;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return `${formatLocalDate(date)} ${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError("takes a whole number of at least 1");
  return count;
}
