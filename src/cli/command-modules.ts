// Which file registers which subcommand, so a run loads only the command it was asked for; help and unknown names still see every command.
import v8 from "node:v8";
import type { Command } from "commander";

/** One file of subcommands: the top-level names it registers, and how to load its register function. */
export interface CommandModule {
  /** Top-level command names the module registers, exactly. */
  names: readonly string[];
  load: () => Promise<(program: Command) => void>;
  /** V8 flags for a process that runs this module's command, set before the module loads. */
  v8Flags?: string;
}

/**
 * The daemon's V8 flags: no optimizing compiler (TurboFan). The daemon waits far more than it works, and a cycle's work
 * in it is mostly native (JSON, hashing, zlib, file I/O) or happens in the model process, so the compiler buys it no
 * measurable CPU time, while its pages of the node binary and its compile memory stay resident for good. The flag is
 * set before any code is hot, since functions optimized before it (the module loader's own) keep their memory. The
 * other commands (bench, the gym, `once`) keep the optimizing compiler. Node leaves V8 flags writable; turning this
 * one off only stops new optimizations. Figures: docs/PERFORMANCE.md, "No optimizing compiler in the daemon".
 */
const DAEMON_V8_FLAGS = "--no-opt";

/**
 * Every command file, in help order. A run loads only the module of its command: the daemon (`start`) then holds no
 * code of bench, demo, model, history and the other commands while it waits (see docs/PERFORMANCE.md, "Modules
 * imported on first use"), and short commands start faster. The names are checked against what each module registers in
 * test/cli/command-modules-name-every-registered-command.test.ts.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ["init"], load: async () => (await import("./init-command.js")).registerInitCommand },
  { names: ["once"], load: async () => (await import("./once-command.js")).registerOnceCommand },
  {
    names: ["start"],
    load: async () => (await import("./start-command.js")).registerStartCommand,
    v8Flags: DAEMON_V8_FLAGS,
  },
  { names: ["serve"], load: async () => (await import("./serve-command.js")).registerServeCommand },
  { names: ["demo"], load: async () => (await import("./demo-command.js")).registerDemoCommand },
  { names: ["tell", "teach"], load: async () => (await import("./inbox-commands.js")).registerInboxCommands },
  { names: ["bench"], load: async () => (await import("./bench-command.js")).registerBenchCommand },
  { names: ["doctor"], load: async () => (await import("./doctor-command.js")).registerDoctorCommand },
  { names: ["config"], load: async () => (await import("./config-command.js")).registerConfigCommand },
  { names: ["model"], load: async () => (await import("./model-command.js")).registerModelCommand },
  {
    names: ["history", "rollback", "fork"],
    load: async () => (await import("./history-command.js")).registerHistoryCommands,
  },
  { names: ["status"], load: async () => (await import("./status-command.js")).registerStatusCommand },
  { names: ["log"], load: async () => (await import("./log-command.js")).registerLogCommand },
  { names: ["goals", "skills"], load: async () => (await import("./goals-command.js")).registerGoalsCommands },
  { names: ["lessons"], load: async () => (await import("./lessons-command.js")).registerLessonsCommands },
];

/**
 * The subcommand named in `args` (the arguments after the script): the first word that is neither an option nor the
 * value of one of `valueOptions` (the program's global options that take a value, e.g. `--state <dir>`).
 * `undefined` when there is none, or after `--`.
 */
export function findCommandName(args: readonly string[], valueOptions: ReadonlySet<string>): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--") return undefined;
    if (!arg.startsWith("-")) return arg;
    if (valueOptions.has(arg)) index++;
  }
  return undefined;
}

/**
 * Registers the module of the command named in `args`, or every module when no known command is named (`--help`,
 * `help`, a typo), so help lists all commands and commander can suggest the closest one. The program's own options
 * must be defined first: those that take a value are skipped with their value when looking for the name.
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const valueOptions = new Set(
    program.options
      .filter((option) => option.required || option.optional)
      .flatMap((option) => [option.long, option.short].filter((flag) => flag !== undefined)),
  );
  const name = findCommandName(args, valueOptions);
  const named = COMMAND_MODULES.find((module) => name !== undefined && module.names.includes(name));
  if (named?.v8Flags !== undefined) v8.setFlagsFromString(named.v8Flags);
  for (const module of named !== undefined ? [named] : COMMAND_MODULES) (await module.load())(program);
}
