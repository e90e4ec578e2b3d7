// `apprentice model list | recommend | pull | stand-in | build-server`: the GGUF files in the state dir, suggestions for this board's RAM, downloading one, writing a stand-in (stand-in-command.ts), and building llama-server (build-server-command.ts).
import { stat } from "node:fs/promises";
import type { Command } from "commander";
import { formatSize } from "../brain/model-inspect.js";
import { pullModel, type PullResult } from "../brain/model-pull.js";
import { parseConfig } from "../config.js";
import { readLockHolder } from "../daemon/state-lock.js";
import { statePaths, type StatePaths } from "../memory/state-paths.js";
import { readSensors } from "../sense/read-sensors.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { formatModelList, listModels } from "./list-models.js";
import { createProgressReporter } from "./progress-bar.js";
import { readConfigFile } from "../config-file.js";
import { buildRecommendation, formatRecommendation } from "./recommend-models.js";
import { checkConfigWritable, useModel } from "./use-model.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";
import { registerBuildServerCommand } from "./build-server-command.js";
import { registerStandInCommand } from "./stand-in-command.js";

/** Registers `model` and its subcommands. */
export function registerModelCommand(program: Command): void {
  const model = program.command("model").description("list, choose and download GGUF models, or write a stand-in");
  model
    .command("list")
    .description("the GGUF files in the state dir's models/ folder (and the configured model if elsewhere), with sizes")
    .option("--json", "print one JSON object on stdout")
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runList(context, options.json === true).catch(reportError);
    });
  model
    .command("recommend")
    .description(
      "small instruct models with file sizes and whether each fits this board's RAM (and 1, 2, 4 and 8 GB boards)",
    )
    .option("--json", "print one JSON object on stdout")
    .option("--ram-mb <n>", "judge for this much RAM instead of this board's", parseWholeNumber)
    .action(async (options: { json?: boolean; ramMb?: number }, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runRecommend(context, options).catch(reportError);
    });
  model
    .command("pull <uri>")
    .description("download a GGUF into the state dir's models/ folder, with a progress bar on stderr")
    .option("--use", "then set model.path in config.json to the pulled file")
    .option("--json", "print one JSON object on stdout")
    .addHelpText(
      "after",
      [
        "",
        "URI: hf:<user>/<repo>:<quant> (as `apprentice model recommend` prints), hf:<user>/<repo>/<file>.gguf,",
        "or an https:// URL of a .gguf file.",
        "",
        "Resumable: an interrupted pull (Ctrl-C, lost network) keeps <file>.ipull in models/; run the same",
        "command again to continue where it stopped. A complete file already there is not downloaded again.",
        "Needs network: offline or when the host cannot be reached it fails at once; copy a .gguf into",
        "models/ instead. HF_ENDPOINT (or MODEL_ENDPOINT) points hf: URIs at a Hugging Face mirror.",
        "With --use and a running daemon, the config is written and the daemon loads the model from its next",
        "cycle (one started with --model keeps that model until it is restarted without it).",
        "",
      ].join("\n"),
    )
    .action(async (uri: string, options: { use?: boolean; json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      const outcome = await runPull(context, uri, options).catch((error: unknown) => ({
        code: reportError(error),
        lingering: false,
      }));
      // The downloader's library keeps retrying a host it could not reach and cannot be cancelled; do not wait for it.
      if (outcome.lingering) process.exit(outcome.code);
      process.exitCode = outcome.code;
    });
  registerStandInCommand(model);
  registerBuildServerCommand(model);
}

async function runList(context: CliContext, json: boolean): Promise<number> {
  const paths = statePaths(context.options.state);
  if (!(await isDirectory(paths.root))) {
    printErr(`apprentice: ${paths.root} is not a state dir; create it with \`apprentice init ${paths.root}\`\n`);
    return EXIT.usage;
  }
  const list = await listModels(paths, context.options.model);
  if (json) printJsonLine(list);
  else printOut(formatModelList(list));
  return EXIT.ok;
}

async function runRecommend(context: CliContext, options: { json?: boolean; ramMb?: number }): Promise<number> {
  if (
    options.ramMb !== undefined &&
    (!Number.isInteger(options.ramMb) || options.ramMb < 128 || options.ramMb > 1_048_576)
  ) {
    printErr("apprentice: --ram-mb takes a whole number of MB from 128 to 1048576\n");
    return EXIT.usage;
  }
  const read = await readConfigFile(statePaths(context.options.state).config);
  const contextSize = (read.status === "ok" ? read.config : parseConfig({}, "defaults")).model.contextSize;
  const ramMB = options.ramMb ?? (await readSensors(context.options.state, context.clock, context.logger)).totalRamMB;
  const recommendation = buildRecommendation(ramMB, options.ramMb !== undefined ? "option" : "board", contextSize);
  if (options.json) printJsonLine(recommendation);
  else printOut(formatRecommendation(recommendation));
  return EXIT.ok;
}

/** Pulls `uri` into the state dir's models/ folder, then (with --use) points the config at it, and says what was done. */
async function runPull(
  context: CliContext,
  uri: string,
  options: { use?: boolean; json?: boolean },
): Promise<{ code: number; lingering: boolean }> {
  const paths = statePaths(context.options.state);
  const refused = await refusePull(paths, options.use === true);
  if (refused !== undefined) return { code: refused, lingering: false };
  const result = await downloadModel(uri, paths);
  if (result.status === "failed") {
    const message = describePullFailure(result, paths);
    printErr(`apprentice: ${message}\n`);
    if (options.json === true) printJsonLine({ status: "failed", reason: result.reason, message });
    return { code: result.reason === "bad-uri" ? EXIT.usage : EXIT.failed, lingering: result.lingering === true };
  }
  const size = formatSize(result.sizeBytes);
  const pulledLine = result.alreadyPresent
    ? `${result.path} is already complete (${size}); nothing downloaded.`
    : `Pulled ${result.path} (${size}).`;
  let used: Used | undefined;
  if (options.use === true) {
    const outcome = await usePulledModel(paths, result.path);
    if (!outcome.ok) {
      printErr(`apprentice: ${pulledLine} But ${outcome.message}\n`);
      return { code: EXIT.usage, lingering: false };
    }
    used = outcome;
  }
  printPulled(uri, result, [pulledLine, ...(used?.lines ?? [])], used, options.json === true);
  return { code: EXIT.ok, lingering: false };
}

/**
 * The usage exit code when the pull is refused before it starts (no state dir at `paths.root`, or --use with a config
 * that cannot be written), with the reason printed; undefined when the pull may go ahead. Refusing first spares a
 * download that may take an hour.
 */
async function refusePull(paths: StatePaths, use: boolean): Promise<number | undefined> {
  if (!(await isDirectory(paths.root))) {
    printErr(`apprentice: ${paths.root} is not a state dir; create it with \`apprentice init ${paths.root}\`\n`);
    return EXIT.usage;
  }
  if (use) {
    const writable = await checkConfigWritable(paths);
    if (!writable.ok) {
      printErr(`apprentice: ${writable.message}\n`);
      return EXIT.usage;
    }
  }
  return undefined;
}

/** Downloads `uri` into models/ with a progress bar on stderr; SIGINT or SIGTERM aborts it. */
async function downloadModel(uri: string, paths: StatePaths): Promise<PullResult> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(new Error(`stopped by ${signal}`));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const progress = createProgressReporter(process.stderr);
  try {
    const endpoint = readHuggingFaceEndpoint();
    return await pullModel({
      uri,
      modelsDir: paths.models,
      ...(endpoint !== undefined ? { huggingFaceEndpoint: endpoint } : {}),
      onProgress: (status) => progress.update(status),
      signal: controller.signal,
    });
  } finally {
    progress.finish();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** What --use did: the model.path written, the daemon that holds the state (if one runs), and the lines saying so. */
interface Used {
  modelPath: string;
  holderPid: number | undefined;
  /** The holder was started with `--model`, which wins over model.path until it restarts without it. */
  restartNeeded: boolean;
  lines: string[];
}

/**
 * Sets model.path to the pulled file, and finds whether a running daemon holds the state dir: it reads config.json
 * again and loads the model from its next cycle, unless it was started with `--model` (then it needs a restart).
 */
async function usePulledModel(
  paths: StatePaths,
  modelFile: string,
): Promise<({ ok: true } & Used) | { ok: false; message: string }> {
  const outcome = await useModel(paths, modelFile);
  if (!outcome.ok) return { ok: false, message: outcome.message };
  const lines = [`config.json: model.path = ${outcome.modelPath}`];
  const holder = await readLockHolder(paths.root);
  let holderPid: number | undefined;
  let restartNeeded = false;
  if (holder?.alive === true) {
    holderPid = holder.pid;
    restartNeeded = holder.model !== undefined;
    lines.push(
      restartNeeded
        ? `A daemon (pid ${holder.pid}) holds ${paths.root} with --model ${holder.model}, which wins over model.path: restart it without --model to load the new model.`
        : `A daemon (pid ${holder.pid}) holds ${paths.root}: it loads the new model from its next cycle.`,
    );
  }
  return { ok: true, modelPath: outcome.modelPath, holderPid, restartNeeded, lines };
}

/** Prints what the pull did: one JSON object with --json, else `lines` and, without --use, how to use the file. */
function printPulled(
  uri: string,
  result: Extract<PullResult, { status: "pulled" }>,
  lines: string[],
  used: Used | undefined,
  json: boolean,
): void {
  if (json) {
    const holderPid = used?.holderPid;
    printJsonLine({
      status: "pulled",
      uri,
      file: result.file,
      path: result.path,
      sizeBytes: result.sizeBytes,
      alreadyPresent: result.alreadyPresent,
      used: used?.modelPath ?? null,
      restartNeeded: used?.restartNeeded ?? false,
      ...(holderPid !== undefined ? { holderPid } : {}),
    });
    return;
  }
  if (used === undefined)
    lines.push(
      `Use it with \`apprentice model pull ${uri} --use\`, or set model.path to models/${result.file} in config.json.`,
    );
  printOut(`${lines.join("\n")}\n`);
}

/** One line that says what went wrong and what to do instead. */
function describePullFailure(result: Extract<PullResult, { status: "failed" }>, paths: StatePaths): string {
  switch (result.reason) {
    case "unreachable":
      return `cannot reach ${result.host ?? "the download host"}: ${result.detail}; model pull needs network — copy a .gguf into ${paths.models}/ instead`;
    case "not-found":
      return `${result.detail}; check the URI (\`apprentice model recommend\` lists some that exist)`;
    case "denied":
      return result.detail;
    case "bad-uri":
      return `${result.detail}; give hf:<user>/<repo>:<quant> or an https:// URL of a .gguf`;
    case "stalled":
    case "interrupted":
    case "error": {
      const resume =
        result.partialPath !== undefined
          ? `; the partial file ${result.partialPath} is kept: run the same command again to resume`
          : "";
      return `model pull ${result.reason === "error" ? "failed" : result.reason}: ${result.detail}${resume}`;
    }
    case "not-gguf":
      return result.detail;
  }
}

/**
 * The Hugging Face mirror node-llama-cpp itself would use (MODEL_ENDPOINT, then HF_ENDPOINT). Read here so the
 * reachability probe tries the same host the downloader will; it belongs in config.ts's readEnvironment.
 */
function readHuggingFaceEndpoint(): string | undefined {
  const endpoint = [process.env.MODEL_ENDPOINT, process.env.HF_ENDPOINT].find(
    (value) => value !== undefined && /^https?:\/\//.test(value),
  );
  if (endpoint === undefined) return undefined;
  return endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
}

async function isDirectory(dir: string): Promise<boolean> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  });
  return info?.isDirectory() === true;
}

function parseWholeNumber(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}
