// The `apprentice` command line: global options, then the subcommand's own file, loaded on demand (see command-modules.ts).
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { registerCommands } from "./command-modules.js";

// A reader that goes away (`apprentice history | head -1`) is not an error: stop quietly, as Unix tools do. The
// daemon writes nothing to stdout and must not die with its log reader, so an EPIPE on stderr is ignored.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  if (process.argv[2] !== "start") process.exit(0);
});
process.stderr.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// An empty APPRENTICE_STATE (`APPRENTICE_STATE= apprentice …`) means unset, not the current directory.
if (process.env.APPRENTICE_STATE === "") delete process.env.APPRENTICE_STATE;

const program = new Command()
  .name("apprentice")
  .description("A daemon that runs a local GGUF model on a schedule and learns through plain-file memory.")
  .version(
    (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string })
      .version,
    "-V, --version",
    "print the version",
  )
  // Precedence: --state, then APPRENTICE_STATE (the unit and install.sh set it), then ./state.
  .addOption(new Option("--state <dir>", "state directory").env("APPRENTICE_STATE").default("state"))
  .option("--model <path>", "GGUF model file (overrides model.path in config.json)")
  .showHelpAfterError("(add --help for usage)")
  // Every command's --help lists --state and --model too, which every command takes.
  .configureHelp({ showGlobalOptions: true })
  // A usage error found by commander (unknown command or option, missing argument) exits 2 like Apprentice's own.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .addHelpText(
    "after",
    [
      "",
      "Examples:",
      "  apprentice demo                      offline try-out with a random-weights test model",
      "  apprentice init ~/apprentice         make a state dir from the templates",
      "  apprentice once --state ~/apprentice run one cycle now",
      "  apprentice start --state ~/apprentice run the daemon on its schedule",
      "",
      "Environment:",
      "  APPRENTICE_STATE=<dir>               the state dir when --state is not given (--state wins)",
      "  APPRENTICE_LOG=debug|info|warn|error how much the log says (default info)",
      "  APPRENTICE_CACHE_DIR=<dir>           where the test model of demo and bench is kept",
    ].join("\n"),
  );

await registerCommands(program, process.argv.slice(2));
// A file error the operator must fix that a command did not report itself (a read-only mount, a file where a folder
// belongs) is one line and exit 2, not a stack trace; anything else is rethrown. Loaded only when a command throws.
await program.parseAsync(process.argv).catch(async (error: unknown) => {
  const { reportError } = await import("./cli-context.js");
  process.exitCode = reportError(error);
});
