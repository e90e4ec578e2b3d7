// The process's one llama.cpp binding, with every native log line routed to the project logger. Invariant: the project
// makes at most one node-llama-cpp Llama per process, and makes it before anything else of node-llama-cpp could.
import type { Llama } from "node-llama-cpp";
import { createConsoleLogger, type Logger } from "../log.js";
import { describeError } from "../text/describe-error.js";

/**
 * Why one binding per process: node-llama-cpp's native addon keeps one log callback for the whole process. Each Llama
 * it creates installs its own and releases the previous one, and the released one's finalizer turns JavaScript routing
 * off for good: from then on llama.cpp's lines (the "load: control-looking token …" warnings of some GGUFs) are written
 * raw to fd 1, ahead of a `--json` document. `GgufInsights.from` without a Llama creates one of its own, so every caller
 * passes {@link loadLlamaBinding}'s instead.
 */
let binding: Promise<Llama> | undefined;

/** Where native lines go: the logger of the latest {@link loadLlamaBinding} caller that gave one. */
let sink: Logger | undefined;

/** The logger native lines go to now; until a caller gives one, a stderr logger at `APPRENTICE_LOG`'s level (`info`). */
function currentSink(): Logger {
  const level = process.env.APPRENTICE_LOG;
  sink ??= createConsoleLogger(level === "debug" || level === "warn" || level === "error" ? level : "info");
  return sink;
}

/**
 * The llama.cpp binding (CPU only, never built or downloaded at run time), loaded on the first call and shared after;
 * it can never be unloaded, so nobody disposes it. Native log lines go to `logger` from now on (to the latest caller's
 * logger when several ask), one logger line per native line: errors as errors, warnings as warnings, the rest as debug.
 * Rejects when the binding cannot be loaded; the next call tries again.
 */
export function loadLlamaBinding(logger?: Logger): Promise<Llama> {
  if (logger !== undefined) sink = logger;
  binding ??= import("node-llama-cpp")
    .then(({ getLlama, LlamaLogLevel }) =>
      getLlama({
        gpu: false,
        build: "never",
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => routeNativeLog(level, message, currentSink()),
      }),
    )
    .catch((error: unknown) => {
      binding = undefined;
      throw new Error(`the llama.cpp binding could not be loaded: ${describeError(error)}`, { cause: error });
    });
  return binding;
}

/**
 * Writes one native message (which may hold several lines) to `logger`, one logger line per non-empty line, at the
 * level node-llama-cpp gives it (`fatal`, `error`, `warn`, …; the values of its `LlamaLogLevel`).
 */
export function routeNativeLog(level: string, message: string, logger: Logger): void {
  for (const line of message.split("\n")) {
    const text = line.trim();
    if (text.length === 0) continue;
    if (level === "fatal" || level === "error") logger.error(`llama.cpp: ${text}`);
    else if (level === "warn") logger.warn(`llama.cpp: ${text}`);
    else logger.debug(`llama.cpp: ${text}`);
  }
}
