// `apprentice init [DIR] [--template NAME]`: creates a state dir from the templates (a job's layered over them) and says what it made.
import path from "node:path";
import type { Command } from "commander";
import { initStateDir } from "../daemon/init-state.js";
import { findJobTemplate, listJobTemplates } from "../daemon/job-templates.js";
import { createCliContext, EXIT } from "./cli-context.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

interface InitOptions {
  json?: boolean;
  template?: string;
  listTemplates?: boolean;
}

export function registerInitCommand(program: Command): void {
  program
    .command("init [dir]")
    .description(
      "create a state dir (charter, goals, config, README) from the templates; existing files are kept. Job templates: pi-health, tidy-folder, daily-digest (--list-templates)",
    )
    .option("--template <name>", "start from a job template (its charter, goals with checks, allowlist and scripts)")
    .option("--list-templates", "list the job templates and exit")
    .option("--json", "print the result as JSON")
    .action(async (dir: string | undefined, options: InitOptions, command: Command) => {
      const context = createCliContext(command);
      if (options.listTemplates) {
        const names = await listJobTemplates();
        if (options.json) printJsonLine({ templates: names });
        else printOut(`${names.join("\n")}\n`);
        process.exitCode = EXIT.ok;
        return;
      }
      let jobDir: string | undefined;
      if (options.template !== undefined) {
        const found = await findJobTemplate(options.template);
        if (!found.ok) {
          printErr(`apprentice: ${found.message}\n`);
          process.exitCode = EXIT.usage;
          return;
        }
        jobDir = found.dir;
      }
      const result = await initStateDir(dir ?? context.options.state, undefined, jobDir);
      const report = { ...result, ...(options.template !== undefined ? { template: options.template } : {}) };
      if (options.json) {
        printJsonLine(report);
      } else {
        printOut(`State dir ${result.root}${options.template !== undefined ? ` (job: ${options.template})` : ""}\n`);
        if (result.created.length > 0) printOut(`  created: ${result.created.join(", ")}\n`);
        if (result.kept.length > 0) printOut(`  kept as they were: ${result.kept.join(", ")}\n`);
        // With APPRENTICE_STATE naming this dir, `apprentice once` finds it without --state.
        const fromEnv =
          process.env.APPRENTICE_STATE !== undefined && path.resolve(process.env.APPRENTICE_STATE) === result.root;
        const once = fromEnv ? "apprentice once" : `apprentice once --state ${result.root}`;
        printOut(
          `Next: put a GGUF model in ${result.root}/models/ and set model.path in config.json, then run \`${once}\`.\n`,
        );
      }
      process.exitCode = EXIT.ok;
    });
}
