// `apprentice start`: runs the daemon in the foreground (systemd runs it the same way); exits non-zero with a clear message when it cannot.
import type { Command } from "commander";
import { ensureStateDir } from "../daemon/init-state.js";
import { runDaemon } from "../daemon/run-daemon.js";
import { createCliContext, reportError } from "./cli-context.js";
import { formatProgress } from "./format-cycle.js";

export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .description("run the daemon: cycles on the configured schedule and when inbox, goals or charter change; stop with Ctrl-C or SIGTERM")
    .action(async (_options: unknown, command: Command) => {
      const context = createCliContext(command);
      const run = async (): Promise<number> => {
        const result = await ensureStateDir(context.options.state);
        if (result !== undefined) {
          process.stderr.write(`apprentice: ${result.root} did not exist; created it from the templates (${result.created.join(", ")}).\n`);
        }
        return runDaemon({
          stateDir: context.options.state,
          ...(context.options.model !== undefined ? { modelOverride: context.options.model } : {}),
          logger: context.logger,
          clock: context.clock,
          onProgress: (event) => context.logger.info(formatProgress(event)),
        });
      };
      process.exitCode = await run().catch(reportError);
    });
}
