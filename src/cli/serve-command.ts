// `apprentice serve`: the read-only status page of a state dir, in the foreground until SIGTERM/SIGINT; refuses a non-loopback host without a token.
import { stat } from "node:fs/promises";
import type { Command } from "commander";
import { statePaths } from "../memory/state-paths.js";
import {
  DEFAULT_SERVE_HOST,
  DEFAULT_SERVE_PORT,
  resolveServeOptions,
  type RawServeOptions,
  type ServeOptions,
} from "../serve/serve-options.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { printErr } from "./terminal-output.js";

/** Adds `--port`, `--host` and `--token` to a command (`serve`, and `start` for `--serve`). */
export function addServeOptions(command: Command): Command {
  return command
    .option("--port <port>", `status page TCP port, 0 for any free one (default: ${DEFAULT_SERVE_PORT})`)
    .option(
      "--host <address>",
      `address the status page binds to; anything but loopback needs --token (default: ${DEFAULT_SERVE_HOST})`,
    )
    .option(
      "--token <token>",
      "require this token on every status request: `Authorization: Bearer <token>` or `?token=<token>`",
    );
}

/** Checks the serve options; prints the refusal and returns `undefined` when they cannot be used. */
export function resolveServeOptionsOrReport(raw: RawServeOptions, context: CliContext): ServeOptions | undefined {
  const resolved = resolveServeOptions(raw);
  if (!resolved.ok) {
    printErr(`apprentice: ${resolved.message}\n`);
    return undefined;
  }
  for (const warning of resolved.warnings) context.logger.warn(warning);
  return resolved.options;
}

export function registerServeCommand(program: Command): void {
  const command = program
    .command("serve")
    .description(
      "serve a read-only status page of the state dir (last cycles, learning curve, lessons, sensors, next wake) until Ctrl-C or SIGTERM",
    );
  addServeOptions(command).action(async (options: RawServeOptions, invoked: Command) => {
    const context = createCliContext(invoked);
    process.exitCode = await runServe(context, options).catch(reportError);
  });
}

async function runServe(context: CliContext, raw: RawServeOptions): Promise<number> {
  const options = resolveServeOptionsOrReport(raw, context);
  if (options === undefined) return EXIT.usage;
  const paths = statePaths(context.options.state);
  const info = await stat(paths.root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  // Unlike `start`, serve never creates a state dir: it only reads, and a missing dir is most likely a typo.
  if (info === undefined || !info.isDirectory()) {
    printErr(`apprentice: ${paths.root} is not a state dir. Give the daemon's one with --state DIR.\n`);
    return EXIT.usage;
  }
  const { startStatusServer } = await import("../serve/status-server.js");
  const started = await startStatusServer({
    ...options,
    stateDir: paths.root,
    logger: context.logger,
    clock: context.clock,
  });
  if (!started.ok) {
    printErr(`apprentice: ${started.message}\n`);
    return EXIT.usage;
  }
  const { server } = started;
  context.logger.info(
    `status page of ${paths.root} at ${server.url}${options.token !== undefined ? " (token required)" : ""}`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(received);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  await server.close();
  context.logger.info(`${signal} received: status page stopped`);
  return EXIT.ok;
}
