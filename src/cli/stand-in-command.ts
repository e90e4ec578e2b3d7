// `apprentice model stand-in`: writes a stand-in GGUF with a family's real tokenizer and chat template (or a given vocab and template) over random weights, to try charters and goals against a family's tokens before the real model is on the board.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { formatSize } from "../brain/model-inspect.js";
import {
  isStandInFamily,
  makeFamilyStandIn,
  makeStandInFromFiles,
  STAND_IN_FAMILY_NAMES,
  type StandInModel,
  type StandInResult,
} from "../brain/stand-in-model.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

interface StandInOptions {
  family?: string;
  vocab?: string;
  template?: string;
  out?: string;
  json?: boolean;
}

/** A --vocab file past this size is a full model, not a vocabulary: it would be read whole for its metadata. */
const MAX_VOCAB_BYTES = 256 * 1024 * 1024;

/** Registers `model stand-in` under `model`. */
export function registerStandInCommand(model: Command): void {
  model
    .command("stand-in")
    .description("write a stand-in GGUF: a family's real tokenizer and chat template, tiny random weights")
    .option("--family <name>", `the family to copy: ${STAND_IN_FAMILY_NAMES.join(", ")}`)
    .option("--vocab <file>", "instead of --family: a GGUF whose tokenizer to copy (llama.cpp's ggml-vocab-*.gguf)")
    .option("--template <file>", "with --vocab: the Jinja chat template to carry")
    .option("--out <file>", "where to write it (default with --family: the cache dir, named by family and content)")
    .option("--json", "print one JSON object on stdout: path, family, vocabSize, templateName, bytes")
    .addHelpText(
      "after",
      [
        "",
        "A stand-in answers with random weights, so its decisions mean nothing; its prompts, token counts and",
        "chat-template frame are the family's own. Run a charter and goals on it with",
        "`apprentice once --model FILE` to see how many tokens each cycle costs that family's tokenizer.",
        "--family reads the vocabulary and template from the llama.cpp source node-llama-cpp ships (offline, with",
        "git) and caches them. Qwen2.5 and Qwen3 share Qwen's vocabulary; SmolLM3 uses Llama 3.2's.",
        "",
      ].join("\n"),
    )
    .action(async (options: StandInOptions, command: Command) => {
      const context = createCliContext(command);
      process.exitCode = await runStandIn(context, options).catch(reportError);
    });
}

async function runStandIn(context: CliContext, options: StandInOptions): Promise<number> {
  const refused = refuseOptions(options);
  if (refused !== undefined) {
    printErr(`apprentice model stand-in: ${refused}\n`);
    return EXIT.usage;
  }
  const onProgress = (message: string): void => printErr(`apprentice: ${message}\n`);
  let result: StandInResult;
  if (options.family !== undefined && isStandInFamily(options.family)) {
    const out = options.out === undefined ? {} : { out: path.resolve(options.out) };
    result = await makeFamilyStandIn(options.family, { cacheDir: context.cacheDir, ...out, onProgress });
  } else {
    const files = await readGivenFiles(options.vocab as string, options.template as string);
    if (!files.ok) {
      printErr(`apprentice model stand-in: ${files.reason}\n`);
      return EXIT.usage;
    }
    result = await makeStandInFromFiles({ ...files, out: path.resolve(options.out as string), onProgress });
    if (!result.ok) {
      printErr(`apprentice model stand-in: ${result.reason}\n`);
      return EXIT.usage;
    }
  }
  if (!result.ok) {
    printErr(`apprentice model stand-in: ${result.reason}\n`);
    return EXIT.failed;
  }
  printMade(result.model, options.family !== undefined, options.json === true);
  return EXIT.ok;
}

/** Why the options cannot work together, or undefined when they can. */
function refuseOptions(options: StandInOptions): string | undefined {
  const known = `known families: ${STAND_IN_FAMILY_NAMES.join(", ")}`;
  if (options.family !== undefined) {
    if (!isStandInFamily(options.family)) return `unknown family '${options.family}'; ${known}`;
    if (options.vocab !== undefined || options.template !== undefined)
      return "--family takes its own vocabulary and template; give --vocab and --template without it";
    return undefined;
  }
  if (options.vocab === undefined) return `give --family NAME, or --vocab FILE --template FILE --out FILE; ${known}`;
  if (options.template === undefined) return "--vocab needs --template FILE (a Jinja chat template)";
  if (options.out === undefined) return "--vocab needs --out FILE (where to write the stand-in)";
  return undefined;
}

type GivenFiles =
  | { ok: true; vocabBytes: Buffer; vocabName: string; template: string; templateName: string }
  | { ok: false; reason: string };

/** Reads --vocab and --template; a missing, unreadable or oversized file is a reason naming it. */
async function readGivenFiles(vocab: string, template: string): Promise<GivenFiles> {
  const vocabSize = await stat(vocab).then(
    (found) => (found.isFile() ? found.size : undefined),
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    },
  );
  if (vocabSize === undefined) return { ok: false, reason: `--vocab ${vocab}: no such file` };
  if (vocabSize > MAX_VOCAB_BYTES)
    return { ok: false, reason: `--vocab ${vocab} is ${formatSize(vocabSize)}: give a vocab-only GGUF, not a model` };
  const text = await readFile(template, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR" || error.code === "EISDIR") return undefined;
    throw error;
  });
  if (text === undefined) return { ok: false, reason: `--template ${template}: no such file` };
  if (text.trim() === "") return { ok: false, reason: `--template ${template} is empty` };
  return {
    ok: true,
    vocabBytes: await readFile(vocab),
    vocabName: path.basename(vocab),
    template: text,
    templateName: path.basename(template),
  };
}

function printMade(model: StandInModel, isFamily: boolean, json: boolean): void {
  if (json) {
    const { path: file, family, vocabSize, templateName, bytes } = model;
    printJsonLine({ path: file, family: isFamily ? family : null, vocabSize, templateName, bytes });
    return;
  }
  const verb = model.written ? "Wrote" : "Already there:";
  printOut(
    [
      `${verb} ${model.path} (${formatSize(model.bytes)})`,
      `  ${model.family} stand-in: ${model.vocabSize} tokens, chat template ${model.templateName}, RANDOM weights.`,
      `  Try a cycle on it: apprentice once --model ${model.path}`,
      "",
    ].join("\n"),
  );
}
