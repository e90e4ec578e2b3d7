// `apprentice once`: takes the lock, runs one cycle in the foreground, prints the result (stdout; a failed or stopped cycle's line on stderr); exit 0 when it ran or was skipped with a reason.
import type { Command } from "commander";
import { WorkerBrain } from "../brain/worker-brain.js";
import { ensureStateDir } from "../daemon/init-state.js";
import { openState } from "../daemon/open-state.js";
import { runStateCycle } from "../daemon/run-state-cycle.js";
import { checkSandboxPreflight } from "../daemon/sandbox-preflight.js";
import { acquireStateLock } from "../daemon/state-lock.js";
import { createCliContext, EXIT, reportError } from "./cli-context.js";
import { progressEvents, formatResult } from "./format-cycle.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

export function registerOnceCommand(program: Command): void {
  program
    .command("once")
    .description("run one cycle now and exit (0 when it ran or was skipped with a reason)")
    .option("--json", "print the result as JSON on stdout")
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runOnce(context, options.json === true).catch(reportError);
    });
}

async function runOnce(context: ReturnType<typeof createCliContext>, json: boolean): Promise<number> {
  const { logger, clock } = context;
  const stateDir = context.options.state;
  const result = await ensureStateDir(stateDir);
  if (result !== undefined) {
    printErr(
      `apprentice: ${result.root} did not exist; created it from the templates (${result.created.join(", ")}).\n`,
    );
  }
  const lock = await acquireStateLock(stateDir, { logger });
  if (!lock.ok) {
    printErr(`apprentice: ${lock.message}\n`);
    return EXIT.usage;
  }
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    printErr(`apprentice: ${signal} received, stopping the cycle...\n`);
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const brain = new WorkerBrain(logger);
  try {
    const state = await openState(stateDir, {
      ...(context.options.model !== undefined ? { modelOverride: context.options.model } : {}),
      logger,
      clock,
    });
    try {
      for (const warning of state.warnings) printErr(`apprentice: warning: ${warning}\n`);
      const sandbox = await checkSandboxPreflight(state.config, state.paths.goals);
      if (!sandbox.ok) {
        printErr(`apprentice: ${sandbox.message}\n`);
        return EXIT.usage;
      }
      // The model runs in its own process, as under the daemon, so limits.cycleTimeoutMs can end it whatever it does.
      const result = await runStateCycle(state, {
        brain,
        logger,
        clock,
        signal: controller.signal,
        events: progressEvents((line) => printErr(`${line}\n`)),
      }).finally(() => brain.close());
      // --json's one object is the result, whatever it says; as text, a cycle that did not run or skip is an error line.
      if (json) printJsonLine(result);
      else if (result.status === "ran" || result.status === "skipped") printOut(`${formatResult(result)}\n`);
      else printErr(`${formatResult(result)}\n`);
      // Exit 2 when the operator must fix the state first (a bad config.json, "fix the model"), 1 when the cycle failed.
      if (result.status === "failed") return result.operatorError === true ? EXIT.usage : EXIT.failed;
      // A cycle the stop (Ctrl-C, SIGTERM) cut short did not run to its end.
      return result.status === "stopped" ? EXIT.failed : EXIT.ok;
    } finally {
      await state.close();
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await lock.release();
  }
}
