// `apprentice demo`: the offline try-out. Writes the random-weights test model, makes a fresh demo state dir, runs cycles, shows the journal.
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { LlamaBrain } from "../brain/llama-brain.js";
import { ensureTestModel, TEST_MODEL_LABEL } from "../brain/test-model.js";
import type { CycleResult } from "../cycle/cycle-result.js";
import { initStateDir } from "../daemon/init-state.js";
import { openState, StateError } from "../daemon/open-state.js";
import { runStateCycle } from "../daemon/run-state-cycle.js";
import { acquireStateLock } from "../daemon/state-lock.js";
import { readRecentJournalEntries } from "../memory/journal.js";
import { createCliContext, EXIT, reportError, type CliContext } from "./cli-context.js";
import { progressEvents, formatResult } from "./format-cycle.js";
import { printErr, printJsonLine, printOut } from "./terminal-output.js";

/** Marks a folder as made by the demo, so a rerun may wipe it and nothing else. */
const DEMO_MARKER = ".apprentice-demo";

const BANNER = [
  "┌────────────────────────────────────────────────────────────────────────────┐",
  "│ Apprentice demo: offline, with a tiny test model that has RANDOM WEIGHTS.  │",
  "│ It makes the whole pipeline run for real (load, grammar, act, check,       │",
  "│ record, unload) but it is not a brain: expect it to fail its goals.        │",
  "│ Real use needs a real instruct model (e.g. Qwen2.5 1.5B Instruct Q4_K_M).  │",
  "└────────────────────────────────────────────────────────────────────────────┘",
].join("\n");

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("offline try-out: write the random-weights test model, make a fresh demo state dir, run a few cycles")
    .option(
      "--dir <dir>",
      "where to make the demo state dir (wiped and remade on each run; --state does the same)",
      "demo-state",
    )
    .option("--cycles <n>", "how many cycles to run", (value) => Number.parseInt(value, 10), 3)
    .option("--json", "print the cycle results as JSON on stdout")
    .action(async (options: { dir: string; cycles: number; json?: boolean }, command: Command) => {
      const context = createCliContext(command);
      // `apprentice demo --state DIR` means DIR as the demo's folder (still only ever a folder the demo made).
      const stateGiven = command.parent?.getOptionValueSource("state") === "cli";
      const dirGiven = command.getOptionValueSource("dir") === "cli";
      if (stateGiven && dirGiven && path.resolve(context.options.state) !== path.resolve(options.dir)) {
        printErr("apprentice demo: --state and --dir name different folders; give one of them\n");
        process.exitCode = EXIT.usage;
        return;
      }
      const dir = stateGiven && !dirGiven ? context.options.state : options.dir;
      process.exitCode = await runDemo(context, { ...options, dir }).catch(reportError);
    });
}

async function runDemo(context: CliContext, options: { dir: string; cycles: number; json?: boolean }): Promise<number> {
  if (!Number.isInteger(options.cycles) || options.cycles < 1 || options.cycles > 100) {
    printErr("apprentice demo: --cycles takes a whole number from 1 to 100\n");
    return EXIT.usage;
  }
  const { logger, clock } = context;
  const startedMs = performance.now();
  printErr(`${BANNER}\n\n`);
  const dir = path.resolve(options.dir);
  const modelPath = await ensureTestModel(context.cacheDir);
  await prepareDemoDir(dir, modelPath);
  const modelBytes = (await stat(modelPath)).size;
  printErr(`Test model: ${modelPath} (${(modelBytes / 1024).toFixed(0)} KiB, "${TEST_MODEL_LABEL}")\n`);
  printErr(`Demo state dir: ${dir}\n\n`);

  const lock = await acquireStateLock(dir, { logger });
  if (!lock.ok) {
    printErr(`apprentice demo: ${lock.message}\n`);
    return EXIT.usage;
  }
  const results: CycleResult[] = [];
  try {
    const state = await openState(dir, { modelOverride: modelPath, logger, clock });
    try {
      const brain = new LlamaBrain(logger);
      for (let index = 0; index < options.cycles; index++) {
        // Each cycle is its own tell: the inbox message wakes cycle 1, and the unmet goal keeps the rest busy.
        const result = await runStateCycle(state, {
          brain,
          logger,
          clock,
          events: progressEvents((line) => printErr(`${line}\n`)),
        });
        results.push(result);
        printErr(`${formatResult(result)}\n\n`);
      }
    } finally {
      await state.close();
    }
  } finally {
    await lock.release();
  }

  const [lastEntry] = await readRecentJournalEntries(path.join(dir, "journal"), 1);
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  if (options.json) {
    printJsonLine({ stateDir: dir, modelPath, seconds: Number(seconds), results });
  } else {
    printOut(
      [
        `Ran ${results.length} cycles in ${seconds} s. What the agent wrote down:`,
        `  journal:  ${path.join(dir, "journal")}/`,
        `  episodes: ${path.join(dir, "episodes.jsonl")}`,
        `  db:       ${path.join(dir, "db.json")}`,
        `  outbox:   ${path.join(dir, "outbox")}/`,
        "",
        "Last journal entry:",
        "",
        lastEntry ?? "(none)",
        "",
        `Go on with it: apprentice start --state ${dir}   (or once, status, log, lessons, history)`,
        "Reminder: the test model has random weights. Point model.path in config.json at a real GGUF",
        "(or pass --model PATH) for an agent that can actually meet its goals.",
        "",
      ].join("\n"),
    );
  }
  return results.every((result) => result.status === "ran" || result.status === "skipped") ? EXIT.ok : EXIT.failed;
}

/** Makes `dir` a fresh demo state dir. Refuses to wipe a folder the demo did not make. */
async function prepareDemoDir(dir: string, modelPath: string): Promise<void> {
  const existing = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const marked = await stat(path.join(dir, DEMO_MARKER)).then(
      () => true,
      () => false,
    );
    if (!marked)
      throw new StateError(
        `${dir} exists and was not made by the demo, which wipes its folder on each run; pass --dir to choose another folder`,
      );
    await rm(dir, { recursive: true, force: true });
  }
  await initStateDir(dir);
  await writeFile(path.join(dir, DEMO_MARKER), "made by `apprentice demo`; deleted and remade on each run\n");
  await writeFile(
    path.join(dir, "charter.md"),
    [
      "# Charter (demo)",
      "",
      "You are Apprentice, running a demo on a small board. Work only in your workspace.",
      "Meet the due goals; their checks decide, not you. Finish with a one-line summary.",
      "",
    ].join("\n"),
  );
  await writeFile(
    path.join(dir, "goals.yaml"),
    [
      "version: 1",
      "goals:",
      "  - id: shopping-list",
      "    title: Write shopping.txt with one item per line, including milk.",
      "    check: grep -qi milk shopping.txt",
      "    priority: 1",
      "  - id: readme-present",
      "    title: Keep a README.txt in the workspace.",
      "    check: test -f README.txt",
      "",
    ].join("\n"),
  );
  const config = JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")) as Record<
    string,
    Record<string, unknown>
  >;
  // The test model spells one character per token, so a whole action needs more tokens than a real model would.
  // The test model is configured, so `once`, `start` and `doctor` work on the demo state as they are.
  config.model = { ...config.model, path: modelPath, temperature: 0.8, seed: 7, maxTokensPerStep: 512 };
  config.limits = { ...config.limits, maxSteps: 5, stepTimeoutMs: 20_000, cycleTimeoutMs: 60_000 };
  config.tools = { allowCommands: ["ls", "cat", "wc", "echo", "date"] };
  await writeFile(path.join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  await mkdir(path.join(dir, "workspace"), { recursive: true });
  await writeFile(path.join(dir, "workspace", "README.txt"), "This workspace belongs to the Apprentice demo.\n");
  await writeFile(
    path.join(dir, "inbox", "welcome.md"),
    "Hello! This is the operator. Please start the shopping list today.\n",
  );
}
