// What every command shares: global options, the logger, the clock, and turning known errors into a clear message and exit code.
import type { Command } from "commander";
import { readEnvironment } from "../config.js";
import { StateError } from "../daemon/open-state.js";
import { createConsoleLogger, type Logger } from "../log.js";
import { accessSync, constants } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeFileError } from "../text/describe-file-error.js";
import { explainFileError } from "./explain-file-error.js";
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

/** The package folder: a checkout, or where `npm install -g` put the package. */
const PACKAGE_DIR = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Where the test model of `demo` and `bench` is kept unless APPRENTICE_CACHE_DIR says: the package's own `.cache/`
 * when this user may write the package folder (a checkout, an install of the user's own), otherwise
 * `$XDG_CACHE_HOME/apprentice` or `~/.cache/apprentice` (a global install that root owns).
 */
export function defaultCacheDir(packageDir = PACKAGE_DIR): string {
  try {
    accessSync(packageDir, constants.W_OK);
    return path.join(packageDir, ".cache");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EROFS" && code !== "EPERM") throw error;
  }
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg !== undefined && xdg !== "" ? xdg : path.join(os.homedir(), ".cache"), "apprentice");
}

/** Builds the context from the root command's options. */
export function createCliContext(command: Command): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const environment = readEnvironment(defaultCacheDir());
  return {
    options,
    logger: createConsoleLogger(environment.logLevel),
    clock: () => new Date(),
    cacheDir: environment.cacheDir,
  };
}

/**
 * Prints a known error without a stack trace and returns its exit code (2): a {@link StateError}, or a file error the
 * operator fixes (a read-only filesystem, a permission, a file where a folder belongs, a full disk; see
 * {@link explainFileError}) as one line, `apprentice: cannot <what> <path>: <cause>`. Rethrows anything else (bugs).
 */
export function reportError(error: unknown): number {
  if (error instanceof StateError) {
    printErr(`apprentice: ${error.message}\n`);
    return EXIT.usage;
  }
  const fileError = explainFileError(error);
  if (fileError !== undefined) {
    printErr(`apprentice: ${describeFileError(fileError)}\n`);
    return EXIT.usage;
  }
  throw error;
}
