// `apprentice tell "…"` and `apprentice teach "…"`: drop a message or a lesson into the inbox, where the daemon (or the next `once`) takes it in.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { LESSON_FILE_SUFFIX } from "../cycle/run-cycle.js";
import { writeFileDurably } from "../memory/durable-write.js";
import { statePaths } from "../memory/state-paths.js";
import { createCliContext, EXIT } from "./cli-context.js";

/** Longest message or lesson accepted from the command line, in characters. */
const MAX_TEXT_CHARS = 4000;

export function registerInboxCommands(program: Command): void {
  program
    .command("tell <text...>")
    .description("leave a message for the agent in the inbox; it wakes a running daemon")
    .option("--json", "print the file written as JSON")
    .action(async (words: string[], options: { json?: boolean }, command: Command) => {
      process.exitCode = await dropInInbox(command, words.join(" "), ".md", options.json === true);
    });
  program
    .command("teach <text...>")
    .description("teach a lesson: stored as trusted, pinned and operator-sourced, recalled in every cycle")
    .option("--json", "print the file written as JSON")
    .action(async (words: string[], options: { json?: boolean }, command: Command) => {
      process.exitCode = await dropInInbox(command, words.join(" "), LESSON_FILE_SUFFIX, options.json === true);
    });
}

async function dropInInbox(command: Command, text: string, suffix: string, json: boolean): Promise<number> {
  const context = createCliContext(command);
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TEXT_CHARS) {
    process.stderr.write(`apprentice: the text must be 1 to ${MAX_TEXT_CHARS} characters\n`);
    return EXIT.usage;
  }
  const paths = statePaths(context.options.state);
  await mkdir(paths.inbox, { recursive: true });
  const stamp = context.clock().toISOString().replace(/[:.]/g, "-");
  const file = path.join(paths.inbox, `${stamp}-${process.pid}${suffix}`);
  await writeFileDurably(file, `${trimmed}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ file })}\n`);
  else process.stdout.write(`Wrote ${file}. A running daemon takes it in within a few seconds; otherwise the next \`apprentice once\` does.\n`);
  return EXIT.ok;
}
