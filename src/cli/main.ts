// The `apprentice` command line: global options, one registered subcommand per file.
import { Command } from "commander";
import { registerBenchCommand } from "./bench-command.js";
import { registerDemoCommand } from "./demo-command.js";
import { registerDoctorCommand } from "./doctor-command.js";
import { registerHistoryCommands } from "./history-command.js";
import { registerInboxCommands } from "./inbox-commands.js";
import { registerInitCommand } from "./init-command.js";
import { registerGoalsCommands } from "./goals-command.js";
import { registerLessonsCommands } from "./lessons-command.js";
import { registerLogCommand } from "./log-command.js";
import { registerModelCommand } from "./model-command.js";
import { registerStatusCommand } from "./status-command.js";
import { registerOnceCommand } from "./once-command.js";
import { registerServeCommand } from "./serve-command.js";
import { registerStartCommand } from "./start-command.js";

const program = new Command()
  .name("apprentice")
  .description("A daemon that runs a local GGUF model on a schedule and learns through plain-file memory.")
  .option("--state <dir>", "state directory", "state")
  .option("--model <path>", "GGUF model file (overrides model.path in config.json)")
  .showHelpAfterError("(add --help for usage)")
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
      "Environment: APPRENTICE_LOG=debug|info|warn|error, APPRENTICE_CACHE_DIR=<dir>",
    ].join("\n"),
  );

registerInitCommand(program);
registerOnceCommand(program);
registerStartCommand(program);
registerServeCommand(program);
registerDemoCommand(program);
registerInboxCommands(program);
registerBenchCommand(program);
registerDoctorCommand(program);
registerModelCommand(program);
registerHistoryCommands(program);
registerStatusCommand(program);
registerLogCommand(program);
registerGoalsCommands(program);
registerLessonsCommands(program);

await program.parseAsync(process.argv);
