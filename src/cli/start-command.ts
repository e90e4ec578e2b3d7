// `apprentice start`: runs the daemon in the foreground (systemd runs it the same way); exits non-zero with a clear message when it cannot.
import type { Command } from "commander";
import { ensureStateDir } from "../daemon/init-state.js";
import { runDaemon } from "../daemon/run-daemon.js";
import type { RawServeOptions } from "../serve/serve-options.js";
import { createCliContext, EXIT, reportError } from "./cli-context.js";
import { progressEvents } from "./format-cycle.js";
import { addServeOptions, resolveServeOptionsOrReport } from "./serve-command.js";
import { printErr } from "./terminal-output.js";

export function registerStartCommand(program: Command): void {
  const command = program
    .command("start")
    .description(
      "run the daemon: cycles on the configured schedule and when inbox, goals or charter change; stop with Ctrl-C or SIGTERM",
    )
    .option("--serve", "also serve the read-only status page (as `apprentice serve` does) while the daemon runs");
  addServeOptions(command).action(
    async ({ serve: wantsServe, ...raw }: RawServeOptions & { serve?: boolean }, invoked: Command) => {
      const context = createCliContext(invoked);
      if (wantsServe !== true && Object.values(raw).some((value) => value !== undefined)) {
        printErr("apprentice: --port, --host and --token set up the status page; add --serve\n");
        process.exitCode = EXIT.usage;
        return;
      }
      const serve = wantsServe === true ? resolveServeOptionsOrReport(raw, context) : undefined;
      if (wantsServe === true && serve === undefined) {
        process.exitCode = EXIT.usage;
        return;
      }
      const run = async (): Promise<number> => {
        const result = await ensureStateDir(context.options.state);
        if (result !== undefined) {
          printErr(
            `apprentice: ${result.root} did not exist; created it from the templates (${result.created.join(", ")}).\n`,
          );
        }
        return runDaemon({
          stateDir: context.options.state,
          ...(context.options.model !== undefined ? { modelOverride: context.options.model } : {}),
          logger: context.logger,
          clock: context.clock,
          events: progressEvents((line) => context.logger.info(line)),
          ...(serve !== undefined ? { serve } : {}),
        });
      };
      process.exitCode = await run().catch(reportError);
    },
  );
}
