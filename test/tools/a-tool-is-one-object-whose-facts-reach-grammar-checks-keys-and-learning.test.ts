// Adding a tool is one object (and one registry line): a `shout` tool defined here reaches the grammar the model is
// offered, the act loop's effect handling (the goal's check runs again after it), its action key and the learning rule,
// all from its own facts; the type checker refuses a tool that leaves a fact out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { access, writeFile } from "node:fs/promises";
import path from "node:path";
import { findToolBranch } from "../../src/brain/action-schema.js";
import { runActLoop, type ActLoopResult } from "../../src/cycle/act-loop.js";
import { normalizeAction } from "../../src/learning/action-key.js";
import { recordOutcomes } from "../../src/learning/outcome-rules.js";
import { finishTool } from "../../src/tools/finish.js";
import type { ObjectSchema } from "../../src/tools/json-schema.js";
import { buildToolRegistry, builtinRegistry, unknownToolFacts } from "../../src/tools/registry.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import type { Tool } from "../../src/tools/tool.js";
import { emptyData, outcome, outcomeCtx } from "../learning/helpers/learning-fixtures.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeTempDir, testLimits } from "./tool-context.js";

/** Writes its message in capitals to `shout.txt`: it changes the workspace, its message is free text. */
const shoutTool: Tool = {
  name: "shout",
  description: "Write a message in capitals to shout.txt.",
  effect: true,
  taint: false,
  freeTextKeys: ["message"],
  masking: "failures",
  enabledByDefault: false,
  argsSchema() {
    return {
      type: "object",
      properties: { message: { type: "string", minLength: 1, maxLength: 40 }, volume: { enum: ["loud", "louder"] } },
      required: ["message", "volume"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    if (typeof args.message !== "string") return { ok: false, error: "message must be a string" };
    await writeFile(path.join(context.workspaceDir, "shout.txt"), `${args.message.toUpperCase()}\n`);
    return { ok: true, output: "shouted", touched: ["shout.txt"] };
  },
};

const SHOUT = '{"thought":"shout","tool":"shout","args":{"message":"hello","volume":"loud"}}';

/** One act loop on goal `heard` (met once shout.txt exists) with `tools`; how often its check ran. */
async function runLoop(
  t: Parameters<typeof makeTempDir>[0],
  tools: readonly Tool[],
): Promise<{ result: ActLoopResult; brain: ScriptedBrain; checks: number }> {
  const workspaceDir = await makeTempDir(t);
  const brain = new ScriptedBrain([SHOUT]);
  let checks = 0;
  const result = await runActLoop({
    openSession: () => brain.open(),
    prompt: () => ({ sections: [], citeIds: [] }),
    tools,
    offerUseSkill: false,
    goals: [{ id: "heard", hasCheck: true }],
    cycle: 1,
    now: () => new Date(),
    maxCooldownCycles: 8,
    maxSteps: 2,
    stepTimeoutMs: 10_000,
    thoughtMaxChars: 32,
    limits: testLimits,
    allowCommands: [],
    commandDirs: [],
    commandArgs: {},
    sandbox: DEFAULT_SANDBOX_SETTINGS,
    workspaceDir,
    signal: new AbortController().signal,
    effects: { writeNote: async () => undefined, sendMessage: async () => "m.md", readSensors: async () => "" },
    checkGoal: async () => {
      checks += 1;
      return await access(path.join(workspaceDir, "shout.txt")).then(
        () => true,
        (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
          throw error;
        },
      );
    },
    emit: async () => undefined,
  });
  await result.session?.dispose();
  return { result, brain, checks };
}

test("the type checker refuses a tool without its facts", () => {
  // @ts-expect-error: effect, taint, freeTextKeys, masking and enabledByDefault are missing, so this is no Tool.
  const factless: Tool = {
    name: "mute",
    description: "Say nothing.",
    argsSchema: () => undefined,
    execute: async () => ({ ok: true, output: "" }),
  };
  assert.equal(factless.name, "mute");
});

test("a registry built from a list finds the tool and its facts; a name it lacks gets the cautious facts; a name twice is a bug", () => {
  const registry = buildToolRegistry([...builtinRegistry.tools, shoutTool]);
  assert.deepEqual(registry.names, [...builtinRegistry.names, "shout"]);
  assert.equal(registry.find("shout"), shoutTool);
  assert.equal(registry.facts("shout"), shoutTool);
  assert.equal(builtinRegistry.find("shout"), undefined, "the built-in registry is not changed by building another");
  assert.deepEqual(registry.facts("gone"), {
    name: "gone",
    effect: true,
    taint: true,
    freeTextKeys: [],
    masking: "failures-or-ineffective",
    enabledByDefault: false,
  });
  assert.deepEqual(builtinRegistry.facts("gone"), unknownToolFacts("gone"));
  assert.throws(() => buildToolRegistry([shoutTool, finishTool, shoutTool]), /two tools are called shout/);
});

test("the model is offered the tool's grammar, and the goal's check runs again after it because it is an effect", async (t) => {
  const { result, brain, checks } = await runLoop(t, [finishTool, shoutTool]);
  const schema = brain.schemas[0];
  assert.ok(schema !== undefined, "the model was asked once");
  const args = findToolBranch(schema, "shout")?.properties.args as ObjectSchema | undefined;
  assert.deepEqual(args?.properties.volume, { enum: ["loud", "louder"] }, "the shout branch carries its own arguments");
  assert.equal(checks, 1, "one check, right after the shout");
  assert.deepEqual(result.goals, [{ id: "heard", metBy: "steps", attempted: true }]);
  assert.deepEqual(
    result.steps.map((step) => [step.tool, step.ok, step.changedWorld, step.fromWorld]),
    [["shout", true, true, undefined]],
  );
  assert.deepEqual(
    result.outcomes[0]?.action,
    { tool: "shout", args: '{"volume":"loud"}' },
    "the free-text message is not in the key",
  );
  assert.equal(result.outcomes[0]?.fromWorld, false, "not world content: taint is false");

  const quiet = await runLoop(t, [finishTool, { ...shoutTool, effect: false }]);
  assert.equal(quiet.checks, 0, "the same tool saying it changes nothing gets no check after it");
  assert.equal(quiet.result.goals[0]?.metBy, undefined);
  assert.equal(quiet.result.steps[0]?.changedWorld, undefined, "and no scan of the workspace either");

  const loud = await runLoop(t, [finishTool, { ...shoutTool, taint: true }]);
  assert.equal(loud.result.steps[0]?.fromWorld, true, "a tool whose output is world content taints its step");
});

test("the action key leaves out the tool's free-text arguments, and only its own", () => {
  const hello = normalizeAction("shout", { message: "hello", volume: "loud" }, shoutTool);
  assert.deepEqual(hello, normalizeAction("shout", { message: "good bye", volume: "loud" }, shoutTool));
  assert.notDeepEqual(hello, normalizeAction("shout", { message: "hello", volume: "louder" }, shoutTool));
  // Without the tool's facts, a name no registry holds keeps every argument.
  assert.notDeepEqual(
    normalizeAction("shout", { message: "hello", volume: "loud" }),
    normalizeAction("shout", { message: "bye", volume: "loud" }),
  );
  // The built-in tools' free text is theirs alone: `run` has none, so a `content` argument would count there.
  assert.equal(normalizeAction("write_file", { path: "a", content: "x" }).args, '{"path":"a"}');
  assert.equal(
    normalizeAction("run", { command: "ls", args: [], content: "x" }).args,
    '{"args":[],"command":"ls","content":"x"}',
  );
});

test("the learning rule reads the tool's masking: never ineffective, still masked after two identical failures", () => {
  const registry = buildToolRegistry([finishTool, shoutTool]);
  const ctx = (cycle: number) => ({ ...outcomeCtx(cycle), toolFacts: registry.facts });
  const action = normalizeAction("shout", { message: "hi", volume: "loud" }, shoutTool);
  const failed = [{ goal: "report", passed: false }];

  const exempt = emptyData();
  for (const cycle of [1, 2, 3]) recordOutcomes(exempt, [outcome(cycle, action, { ok: true })], failed, ctx(cycle));
  assert.deepEqual(exempt.lessons, [], "masking: failures never makes it ineffective");

  const unknown = emptyData();
  for (const cycle of [1, 2, 3])
    recordOutcomes(unknown, [outcome(cycle, action, { ok: true })], failed, outcomeCtx(cycle));
  assert.equal(unknown.lessons[0]?.mask?.signature, "ineffective", "without its facts the name is never exempt");

  const failing = emptyData();
  for (const cycle of [1, 2]) recordOutcomes(failing, [outcome(cycle, action)], failed, ctx(cycle));
  assert.equal(failing.lessons[0]?.kind, "avoid", "two identical failures still mask it");

  const never = buildToolRegistry([{ ...shoutTool, masking: "never" }]);
  const unmasked = emptyData();
  for (const cycle of [1, 2, 3])
    recordOutcomes(unmasked, [outcome(cycle, action)], failed, { ...outcomeCtx(cycle), toolFacts: never.facts });
  assert.deepEqual(unmasked.lessons, [], "masking: never, like finish");
});
