// `apprentice model build-server` (`npm run build:llama-server`): builds llama.cpp's llama-server from the source node-llama-cpp bundles, offline, once per release, and prints the binary's path.
import type { Command } from "commander";
import { ensureLlamaServer, llamaServerCacheDir, LLAMA_SERVER_CMAKE_OPTIONS } from "../brain/llama-server-build.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

interface BuildServerOptions {
  jobs?: string;
  json?: boolean;
}

/** Registers `model build-server` under `model`. */
export function registerBuildServerCommand(model: Command): void {
  model
    .command("build-server")
    .description("build llama.cpp's llama-server from the bundled source (once per release) and print its path")
    .option("--jobs <n>", "compile jobs at once (default: the CPU count)")
    .option("--json", "print one JSON object on stdout: binary, tag, commit, buildSeconds, builtAt, built")
    .addHelpText(
      "after",
      [
        "",
        "The source is the llama.cpp release node-llama-cpp ships as a git bundle, so nothing is downloaded.",
        "Needs git, cmake and a C++ compiler (apt-get install git cmake g++). The build is the llama-server",
        `target alone, with ${LLAMA_SERVER_CMAKE_OPTIONS.join(" ")}.`,
        `It is cached outside any checkout, in ${llamaServerCacheDir()} (APPRENTICE_LLAMA_SERVER_CACHE moves it),`,
        "keyed by the release, so a second call prints the path at once. Progress goes to stderr; the path, last, to",
        "stdout. Serve a model on the LAN with: llama-server -m MODEL.gguf --host 0.0.0.0 --port 8080 --api-key KEY",
        "",
      ].join("\n"),
    )
    .action(async (options: BuildServerOptions, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runBuildServer(context, options).catch(reportError);
    });
}

async function runBuildServer(context: CliContext, options: BuildServerOptions): Promise<number> {
  const jobs = options.jobs === undefined ? undefined : Number(options.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)) {
    printErr(`apprentice model build-server: --jobs must be a whole number from 1 to 256, not '${options.jobs}'\n`);
    return EXIT.usage;
  }
  const result = await ensureLlamaServer({
    sourceCacheDir: context.cacheDir,
    ...(jobs !== undefined ? { jobs } : {}),
    onProgress: (line) => printErr(`apprentice: ${line}\n`),
  });
  if (!result.ok) {
    printErr(`apprentice model build-server: ${result.reason}\n`);
    return EXIT.failed;
  }
  const { build } = result;
  if (options.json === true) printJsonLine(build);
  else {
    printErr(
      build.built
        ? `apprentice: built llama-server ${build.tag} in ${build.buildSeconds} s\n`
        : `apprentice: llama-server ${build.tag} was built before (${build.buildSeconds} s, ${build.builtAt})\n`,
    );
    printOut(`${build.binary}\n`);
  }
  return EXIT.ok;
}
