// `apprentice init [DIR]`: creates a state dir from the templates and says what it made.
import type { Command } from "commander";
import { initStateDir } from "../daemon/init-state.js";
import { createCliContext, EXIT } from "./cli-context.js";
import { printJsonLine, printOut } from "./terminal-output.js";

export function registerInitCommand(program: Command): void {
  program
    .command("init [dir]")
    .description("create a state dir (charter, goals, config, README) from the templates; existing files are kept")
    .option("--json", "print the result as JSON")
    .action(async (dir: string | undefined, options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      const result = await initStateDir(dir ?? context.options.state);
      if (options.json) {
        printJsonLine(result);
      } else {
        printOut(`State dir ${result.root}\n`);
        if (result.created.length > 0) printOut(`  created: ${result.created.join(", ")}\n`);
        if (result.kept.length > 0) printOut(`  kept as they were: ${result.kept.join(", ")}\n`);
        printOut(
          `Next: put a GGUF model in ${result.root}/models/ and set model.path in config.json, then run \`apprentice once --state ${result.root}\`.\n`,
        );
      }
      process.exitCode = EXIT.ok;
    });
}
