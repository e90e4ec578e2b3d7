// `apprentice tell "…"` leaves a message in the inbox; `apprentice teach "…"` stores a lesson at once, or queues it in operator/ while a daemon runs.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { writeFileDurably } from "../memory/durable-write.js";
import { StateError } from "../daemon/open-state.js";
import { teachLesson } from "../learning/operator-ops.js";
import { OPERATOR_LESSON_SUFFIX } from "../memory/operator-channel.js";
import type { StatePaths } from "../memory/state-paths.js";
import { createCliContext, EXIT, reportError } from "./cli-context.js";
import { writeLessonsUnlessDaemon } from "./operator-write.js";
import { queueOperatorRequest } from "./queue-operator-request.js";
import { requireStateDir } from "./read-state.js";
import { printErr, printJson, printOut } from "./terminal-output.js";

/** Longest message or lesson accepted from the command line, in characters. */
const MAX_TEXT_CHARS = 4000;

export function registerInboxCommands(program: Command): void {
  program
    .command("tell <text...>")
    .description("leave a message for the agent in the inbox; it wakes a running daemon")
    .option("--json", "print the file written as JSON")
    .action(async (words: string[], options: { json?: boolean }, command: Command) => {
      process.exitCode = await tell(command, words.join(" "), options.json === true).catch(reportError);
    });
  program
    .command("teach <text...>")
    .description(
      "teach a lesson: stored pinned and operator-sourced (at once, or through operator/ while a daemon runs), recalled in every cycle; run it as the daemon's user",
    )
    .option("--json", "print the file written as JSON")
    .action(async (words: string[], options: { json?: boolean }, command: Command) => {
      process.exitCode = await teach(command, words.join(" "), options.json === true).catch(reportError);
    });
}

/** Checks the text's length; an error message for the operator, or undefined when it is fine. */
function checkText(text: string): string | undefined {
  return text.length === 0 || text.length > MAX_TEXT_CHARS
    ? `the text must be 1 to ${MAX_TEXT_CHARS} characters`
    : undefined;
}

async function tell(command: Command, text: string, json: boolean): Promise<number> {
  const context = createCliContext(command);
  const trimmed = text.trim();
  const problem = checkText(trimmed);
  if (problem !== undefined) return usage(problem);
  const paths = await requireStateDir(context.options.state);
  const file = await dropInInbox(paths, context.clock(), trimmed, ".md");
  if (json) printJson({ status: "queued", file });
  else
    printOut(
      `Wrote ${file}. A running daemon takes it in within a few seconds; otherwise the next \`apprentice once\` does.\n`,
    );
  return EXIT.ok;
}

/**
 * Stores the lesson at once when no daemon holds the state dir (the db's lessons, lessons.md, the journal and the history),
 * and otherwise leaves it in operator/, where the daemon takes it in at its next wake without loading the model. Exits
 * 2 without queuing when operator/ is not this user's (the daemon would not believe the file).
 */
async function teach(command: Command, text: string, json: boolean): Promise<number> {
  const context = createCliContext(command);
  const trimmed = text.trim();
  const problem = checkText(trimmed);
  if (problem !== undefined) return usage(problem);
  const paths = await requireStateDir(context.options.state);
  const outcome = await writeLessonsUnlessDaemon(context, paths, "Operator: taught a lesson", (db, now) => {
    const taught = teachLesson(db.data.learning, trimmed, "apprentice teach", { cycle: db.data.cycle.count, now });
    return taught === undefined
      ? { changed: false, value: undefined }
      : {
          changed: true,
          lines: [`- ${taught.delta.id} ${taught.delta.change}: ${taught.delta.reason}: ${taught.text.slice(0, 200)}`],
          value: taught.delta.id,
        };
  }).catch((error: unknown) => {
    // The db unreadable: the lesson must not be lost, so it waits in operator/ for the daemon, which repairs first.
    if (error instanceof StateError) return { status: "error" as const, message: error.message };
    throw error;
  });
  if (outcome.status === "written" && outcome.value !== undefined) {
    if (json) printJson({ status: "stored", id: outcome.value });
    else
      printOut(
        `Stored as ${outcome.value} (pinned, operator). lessons.json, lessons.md, the journal and the history are updated; \`apprentice lessons show ${outcome.value}\` shows it.\n`,
      );
    return EXIT.ok;
  }
  // Queued first and told after: when operator/ cannot be written either (a read-only state dir), the one line printed
  // is that error, not a promise that the lesson went there.
  const queued = await queueOperatorRequest(paths, context.clock(), OPERATOR_LESSON_SUFFIX, `${trimmed}\n`, "teach");
  if (!queued.ok) return usage(queued.message);
  if (outcome.status === "error")
    printErr(`apprentice: ${outcome.message}\napprentice: the lesson went to operator/ instead.\n`);
  const { file } = queued;
  if (json)
    printJson({
      status: "queued",
      file,
      ...(outcome.status === "held" && outcome.holderPid !== undefined ? { holderPid: outcome.holderPid } : {}),
    });
  else if (outcome.status === "held")
    printOut(
      `The daemon holds the state dir, so the lesson was queued as ${file}; it stores it within a few seconds.\n`,
    );
  else printOut(`Wrote ${file}; the next \`apprentice once\` or \`start\` stores it.\n`);
  return EXIT.ok;
}

function usage(message: string): number {
  printErr(`apprentice: ${message}\n`);
  return EXIT.usage;
}

/** Writes `text` durably into the inbox as `<time>-<pid><suffix>` and returns its path. */
async function dropInInbox(paths: StatePaths, now: Date, text: string, suffix: string): Promise<string> {
  await mkdir(paths.inbox, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const file = path.join(paths.inbox, `${stamp}-${process.pid}${suffix}`);
  await writeFileDurably(file, `${text}\n`);
  return file;
}
