// Garbage-model fuzz: the real act loop drives the random-weights test model at high temperature with a new seed and
// a random token budget per loop, executing whatever validates against the real tools in a temp workspace. Every
// decision that did not validate must come back as a failed step marked invalid output; nothing may throw or hang.
// Then random bytes and mangled actions go straight to the raw-output parser, which must answer, never throw.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildActionSchema } from "../../src/brain/action-schema.js";
import type { BrainSession, Decision, OpenResult } from "../../src/brain/brain.js";
import { LlamaBrain } from "../../src/brain/llama-brain.js";
import { loadLlamaBinding } from "../../src/brain/llama-binding.js";
import { parseDecision } from "../../src/brain/parse-decision.js";
import { runActLoop, type StepRecord } from "../../src/cycle/act-loop.js";
import { createMemoryLogger } from "../../src/log.js";
import { defaultTools } from "../../src/tools/registry.js";
import type { SchemaView } from "../../src/tools/tool.js";
import { testModel } from "../support/state-fixture.js";
import type { PropertyResult, ReliabilityProperty } from "./property.js";
import { seededRandom } from "./seeded-random.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";

const FULL_STEPS = 10_000;
const QUICK_STEPS = 150;
const FULL_RAW = 20_000;
const QUICK_RAW = 2_000;
/** A loop that takes longer than this counts as a hang (64 steps of a 0.5 MB model at most 64 tokens each). */
const LOOP_DEADLINE_MS = 120_000;

export const property: ReliabilityProperty = {
  name: "garbage-model-fuzz",
  async run({ quick, seed }): Promise<PropertyResult> {
    const random = seededRandom(seed);
    const failures: string[] = [];
    const logger = createMemoryLogger();
    const brain = new LlamaBrain(logger);
    const modelPath = await testModel();
    const workspaceParent = await mkdtemp(path.join(os.tmpdir(), "apprentice-fuzz-"));
    const workspaceDir = path.join(workspaceParent, "workspace");
    await mkdir(workspaceDir);
    const target = quick ? QUICK_STEPS : FULL_STEPS;
    let steps = 0;
    let invalid = 0;
    let invalidRecorded = 0;
    let executed = 0;
    let loops = 0;
    try {
      while (steps < target && failures.length < 20) {
        loops += 1;
        const decisions: Decision[] = [];
        const records: StepRecord[] = [];
        const loopSeed = Math.floor(random() * 2 ** 31);
        // Mostly small budgets (the test model spells one character per token, so these are often cut off: invalid
        // output), and one loop in five long enough for whole actions, so validated garbage gets executed too.
        const maxTokensPerStep = random() < 0.8 ? 8 + Math.floor(random() * 56) : 160 + Math.floor(random() * 96);
        const openSession = async (): Promise<OpenResult> => {
          const opened = await brain.open({
            modelPath,
            contextSize: 1024,
            threads: 1,
            temperature: 1.5 + random(),
            seed: loopSeed,
            maxTokensPerStep,
          });
          return opened.ok ? { ok: true, session: recordDecisions(opened.session, decisions) } : opened;
        };
        const started = performance.now();
        const controller = new AbortController();
        const deadline = setTimeout(() => controller.abort(new Error("fuzz loop deadline")), LOOP_DEADLINE_MS);
        let session: BrainSession | undefined;
        try {
          const result = await runActLoop({
            openSession,
            prompt: () => ({
              sections: [{ id: "goals", title: "Goals due now", share: 1, text: "- fuzz: do anything at all." }],
              citeIds: [],
            }),
            tools: defaultTools,
            offerUseSkill: false,
            cycle: loops,
            now: () => new Date(),
            maxCooldownCycles: 8,
            maxSteps: Math.min(8 + Math.floor(random() * 57), target - steps),
            stepTimeoutMs: 10_000,
            thoughtMaxChars: 32,
            limits: { maxFileBytes: 4096, maxOutputBytes: 2048, commandTimeoutMs: 2000 },
            allowCommands: ["ls", "echo", "cat", "wc"],
            commandDirs: [],
            commandArgs: {},
            sandbox: DEFAULT_SANDBOX_SETTINGS,
            workspaceDir,
            signal: controller.signal,
            effects: {
              writeNote: async () => undefined,
              sendMessage: async () => "outbox/fuzz.md",
              readSensors: async () => "fuzz board",
            },
            checkGoal: async () => false,
            emit: async (event) => {
              if (event.type === "tool-done") records.push(event.record);
            },
          });
          session = result.session;
        } catch (error) {
          failures.push(
            `loop ${loops} (seed ${loopSeed}) threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        } finally {
          clearTimeout(deadline);
          await session?.dispose();
        }
        if (controller.signal.aborted)
          failures.push(`loop ${loops} (seed ${loopSeed}) hung past ${LOOP_DEADLINE_MS} ms`);
        steps += records.length;
        executed += records.filter((record) => !record.invalidOutput && record.ok).length;
        // Each decision that did not validate is one failed step marked invalid output, in order.
        const bad = decisions.filter((decision) => !decision.ok && decision.reason === "invalid-output");
        invalid += bad.length;
        const marked = records.filter((record) => record.invalidOutput === true);
        invalidRecorded += marked.filter((record) => !record.ok).length;
        if (marked.length !== bad.length)
          failures.push(
            `loop ${loops} (seed ${loopSeed}): ${bad.length} invalid outputs but ${marked.length} steps marked invalid`,
          );
        if (marked.some((record) => record.ok))
          failures.push(`loop ${loops} (seed ${loopSeed}): a step marked invalid output counts as ok`);
        if (records.length === 0 && decisions.length === 0)
          failures.push(`loop ${loops} (seed ${loopSeed}): no step was taken`);
        if (performance.now() - started > LOOP_DEADLINE_MS)
          failures.push(`loop ${loops} took ${Math.round(performance.now() - started)} ms`);
      }
      const raw = await fuzzParser(random, quick ? QUICK_RAW : FULL_RAW);
      failures.push(...raw.failures);
      return {
        ok: failures.length === 0 && steps >= target,
        figures:
          `${steps} decision steps in ${loops} loops (${invalid} invalid outputs, ${invalidRecorded} recorded as failed steps, ${executed} actions executed), ` +
          `${raw.inputs} raw inputs to the parser (${raw.accepted} accepted, ${raw.refused} refused), 0 crashes expected, ${failures.length} failures`,
        failures,
      };
    } finally {
      await rm(workspaceParent, { recursive: true, force: true });
    }
  },
};

/** Wraps a session so every decision it returns is also kept, in order. */
function recordDecisions(session: BrainSession, decisions: Decision[]): BrainSession {
  return {
    contextSize: session.contextSize,
    countTokens: (text) => session.countTokens(text),
    decide: async (prompt, schema, signal) => {
      const decision = await session.decide(prompt, schema, signal);
      decisions.push(decision);
      return decision;
    },
    generateJson: (prompt, schema, signal) => session.generateJson(prompt, schema, signal),
    dispose: () => session.dispose(),
  };
}

/** Random bytes, random JSON and mangled valid actions into parseDecision, with the real grammar's validator. */
async function fuzzParser(
  random: () => number,
  count: number,
): Promise<{ inputs: number; accepted: number; refused: number; failures: string[] }> {
  const view: SchemaView = {
    allowCommands: ["ls", "echo"],
    commandArgs: {},
    files: ["a.txt"],
    dirs: ["."],
    limits: { maxFileBytes: 4096, maxOutputBytes: 2048, commandTimeoutMs: 2000 },
  };
  const offered = defaultTools.flatMap((tool) => {
    const args = tool.argsSchema(view);
    return args === undefined ? [] : [{ name: tool.name, args }];
  });
  const schema = buildActionSchema(offered, { thoughtMaxChars: 32 });
  // The process's one binding: a second getLlama would send llama.cpp's lines past the logger (see llama-binding.ts).
  const llama = await loadLlamaBinding();
  // The schema is built at run time, so node-llama-cpp's compile-time schema typing cannot follow it.
  const grammar = await llama.createGrammarForJsonSchema(schema as never);
  const usage = {
    promptTokens: 0,
    evaluatedPromptTokens: 0,
    generatedTokens: 0,
    durationMs: 0,
    droppedSteps: 0,
    cutSections: [],
  };
  const valid = [
    '{"thought":"ok","tool":"finish","args":{"summary":"done"}}',
    '{"thought":"x","tool":"note","args":{"text":"hi"}}',
  ];
  const failures: string[] = [];
  let accepted = 0;
  let refused = 0;
  for (let index = 0; index < count; index += 1) {
    const input = makeInput(random, valid);
    let decision: Decision;
    try {
      decision = parseDecision(input, schema, grammar as never, usage);
    } catch (error) {
      failures.push(
        `parseDecision threw on ${JSON.stringify(input.slice(0, 60))}: ${error instanceof Error ? error.message : String(error)}`,
      );
      continue;
    }
    if (decision.ok) {
      accepted += 1;
      if (!defaultTools.some((tool) => tool.name === decision.action.tool))
        failures.push(`accepted an unknown tool ${decision.action.tool}`);
    } else {
      refused += 1;
      if (decision.reason !== "invalid-output")
        failures.push(`raw input refused as ${decision.reason}, not invalid-output`);
    }
  }
  return { inputs: count, accepted, refused, failures };
}

function makeInput(random: () => number, valid: readonly string[]): string {
  const kind = Math.floor(random() * 4);
  const length = Math.floor(random() * 300);
  if (kind === 0) {
    // Random bytes, decoded as the model's text would be (invalid UTF-8 becomes U+FFFD).
    const bytes = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(random() * 256);
    return bytes.toString("utf8");
  }
  const base = valid[Math.floor(random() * valid.length)] ?? "{}";
  if (kind === 1) {
    // A valid action cut short.
    return base.slice(0, Math.floor(random() * base.length));
  }
  if (kind === 2) {
    // A valid action with characters flipped.
    const chars = [...base];
    for (let flips = 0; flips < 1 + Math.floor(random() * 4); flips += 1) {
      chars[Math.floor(random() * chars.length)] = String.fromCharCode(32 + Math.floor(random() * 95));
    }
    return chars.join("");
  }
  // Well-formed JSON of the wrong shape.
  const shapes = [
    "null",
    "[]",
    `{"tool":${JSON.stringify("x".repeat(length))}}`,
    '{"tool":"finish","args":{"summary":' + "1".repeat(Math.max(1, length)) + "}}",
    '{"tool":"run","args":{"command":"rm","args":["-rf","/"]}}',
    '{"tool":"__proto__","args":{}}',
    '{"thought":"a","tool":"finish","args":{"summary":"' + "z".repeat(length * 40) + '"}}',
  ];
  return shapes[Math.floor(random() * shapes.length)] ?? "{}";
}
