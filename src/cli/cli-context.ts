// What every command shares: global options, the logger, the clock, and turning known errors into a clear message and exit code.
import type { Command } from "commander";
import { readEnvironment } from "../config.js";
import { StateError } from "../daemon/open-state.js";
import { createConsoleLogger, type Logger } from "../log.js";
import { fileURLToPath } from "node:url";
import { printErr } from "./terminal-output.js";

/** Exit codes: 0 ok, 1 a cycle failed, 2 the operator must fix something (config, state dir, model, lock). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface GlobalOptions {
  state: string;
  model?: string;
}

export interface CliContext {
  options: GlobalOptions;
  logger: Logger;
  clock: () => Date;
  cacheDir: string;
}

/** Project-level cache (the test model lives here); overridable with APPRENTICE_CACHE_DIR. */
const DEFAULT_CACHE_DIR = fileURLToPath(new URL("../../../.cache/", import.meta.url));

/** Builds the context from the root command's options. */
export function createCliContext(command: Command): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const environment = readEnvironment(DEFAULT_CACHE_DIR);
  return {
    options,
    logger: createConsoleLogger(environment.logLevel),
    clock: () => new Date(),
    cacheDir: environment.cacheDir,
  };
}

/** Prints a known error without a stack trace and returns its exit code; rethrows bugs. */
export function reportError(error: unknown): number {
  if (error instanceof StateError) {
    printErr(`apprentice: ${error.message}\n`);
    return EXIT.usage;
  }
  throw error;
}
