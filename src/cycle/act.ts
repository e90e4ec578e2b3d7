// The act stage: the act loop (skill replays, retests, then the model's decisions) run with the cycle's config, tools and effects; every step is recorded through the ledger as it happens.
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import type { LearningData } from "../learning/types.js";
import { writeFileDurably } from "../memory/durable-write.js";
import type { Goal } from "../memory/goals-file.js";
import type { InboxMessage } from "../memory/inbox.js";
import type { CycleResources } from "../record/cycle-outcome.js";
import type { CycleLedger } from "../record/ledger.js";
import { describeSensors } from "../sense/read-sensors.js";
import { showControls } from "../text/safe-text.js";
import type { Tool } from "../tools/tool.js";
import { runGoalChecks } from "../verify/verify-goals.js";
import { runActLoop, type ActLoopResult } from "./act-loop.js";
import { describeDeadlineFailure, type CycleDeadline } from "./cycle-deadline.js";
import type { CycleDeps } from "./cycle-deps.js";
import type { TurnPromptBuilder } from "./recall-memory.js";

/** The tools config.tools.enabled offers (the config fills in the default set when it is unset), `finish` always. */
export function offeredTools(deps: Pick<CycleDeps, "tools" | "config">): Tool[] {
  const { enabled } = deps.config.tools;
  return deps.tools.filter((tool) => tool.name === "finish" || enabled.includes(tool.name as never));
}

/** What the act stage works with. */
export interface ActInput {
  cycle: number;
  modelPath: string;
  resources: CycleResources;
  prompt: TurnPromptBuilder;
  tools: readonly Tool[];
  /** The due goals not met by their pre-check, in serving order. */
  goals: readonly Goal[];
  inbox: readonly InboxMessage[];
  /** Learning state, or undefined when learning is off. */
  learning?: LearningData;
  /** The cycle's deadline signal: loading and every step run under it. */
  signal: AbortSignal;
  /** Goal → detail of its last check; the loop's own checks update it. */
  checkDetails: Map<string, string>;
}

/** The loop's result, the model's notes, and whether the model's load was started. */
export interface Acted {
  loop: ActLoopResult;
  notes: string[];
  loadStarted: boolean;
}

/** Runs the act loop. The caller unloads the session it leaves open (`loop.session`). Never throws for model or tool trouble. */
export async function act(deps: CycleDeps, ledger: CycleLedger, input: ActInput): Promise<Acted> {
  const { config, paths } = deps;
  const { cycle, goals } = input;
  const notes: string[] = [];
  let loadStarted = false;
  const loop = await runActLoop({
    openSession: () => {
      loadStarted = true;
      const { model } = config;
      const settings = {
        modelPath: input.modelPath,
        contextSize: input.resources.contextSize,
        threads: input.resources.threads,
        temperature: model.temperature,
        maxTokensPerStep: model.maxTokensPerStep,
        ...(model.prefixCache
          ? { prefixCache: { dir: path.join(paths.cache, "prefix"), maxBytes: model.prefixCacheMaxMB * 1024 * 1024 } }
          : {}),
      };
      return deps.brain.open(
        { ...settings, ...(model.seed !== undefined ? { seed: model.seed + cycle } : {}) },
        input.signal,
      );
    },
    prompt: input.prompt,
    // Messages are world content: what this cycle learns may have been steered by them, so it is tainted.
    worldInPrompt: input.inbox.length > 0,
    tools: input.tools,
    offerUseSkill: config.tools.enabled.includes("use_skill"),
    goals: goals.map((goal) => ({ id: goal.id, hasCheck: goal.check !== undefined })),
    ...(input.learning !== undefined ? { learning: input.learning } : {}),
    cycle,
    now: deps.clock,
    maxCooldownCycles: config.learning.maxCooldownCycles,
    maxSteps: config.limits.maxSteps,
    stepTimeoutMs: config.limits.stepTimeoutMs,
    thoughtMaxChars: config.model.thoughtMaxChars,
    limits: config.limits,
    allowCommands: config.tools.allowCommands,
    commandDirs: config.tools.commandDirs.map((dir) => path.resolve(paths.root, dir)),
    commandArgs: config.tools.commandArgs,
    sandbox: config.sandbox,
    workspaceDir: paths.workspace,
    signal: input.signal,
    effects: {
      writeNote: async (text) => void notes.push(text),
      sendMessage: (text) => writeOutboxMessage(paths.outbox, cycle, text, deps.clock()),
      readSensors: async () => describeSensors(await deps.readSensors()),
    },
    checkGoal: async (goalId) => {
      const [check] = await runGoalChecks(
        deps,
        ledger,
        goals.filter((goal) => goal.id === goalId),
      );
      if (check !== undefined) input.checkDetails.set(check.goal, check.detail);
      return check?.passed === true;
    },
    // The ledger, subscribed first, records each step's episode before anyone else hears of it.
    emit: (event) => deps.events.emit(event),
  });
  return { loop, notes, loadStarted };
}

/**
 * Why the act stage ended the cycle as failed: the deadline passed while the model loaded, the model could not be
 * loaded, or the loop was aborted (`aborted: …`, a stop or the deadline mid-step); `undefined` when it ran.
 */
export function describeActFailure(acted: Acted, deadline: CycleDeadline, timeoutMs: number): string | undefined {
  const { loop } = acted;
  if (acted.loadStarted && !loop.modelLoaded && deadline.passed()) return describeDeadlineFailure("loading", timeoutMs);
  return loop.modelError ?? (loop.abortedBy !== undefined ? `aborted: ${loop.abortedBy}` : undefined);
}

/**
 * Writes one message to outbox/ durably and returns its file name. The model wrote the text, steered by what it read,
 * and the operator reads it with `cat`: its controls are shown visibly (`\x1b`), never written raw.
 */
async function writeOutboxMessage(outboxDir: string, cycle: number, text: string, now: Date): Promise<string> {
  await mkdir(outboxDir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  const existing = (await readdir(outboxDir)).filter((name) => name.startsWith(`${stamp}-c${cycle}`)).length;
  const name = `${stamp}-c${cycle}-${existing + 1}.md`;
  await writeFileDurably(path.join(outboxDir, name), `${showControls(text.trim())}\n`);
  return name;
}
