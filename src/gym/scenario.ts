// Gym scenarios as data: the valibot schema of a scenario YAML file (built-in or an operator's own) and its readers; a scenario that loads is internally consistent.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { parseDurationMs } from "../memory/goals-file.js";
import { ENABLEABLE_NAMES } from "../tools/registry.js";
import { describeSchemaIssue } from "../validation/describe-schema-issue.js";
import { numberBetween, wholeNumber } from "../validation/numbers.js";
import { plainObject } from "../validation/plain-object.js";
import { plainRecord } from "../validation/plain-record.js";
import { valuePath } from "../validation/value-path.js";

/** The scenario folder of the package: `src/gym/scenarios/`, found from `dist/src/gym/` as well as from `src/gym/`. */
export const SCENARIO_DIR = fileURLToPath(new URL("../../../src/gym/scenarios/", import.meta.url));

const commandName = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9-]{0,40}$/, "a command name: lowercase letters, digits and dashes"),
);
const fileName = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a plain file name in the workspace (no folders)"),
);
/** A workspace fixture's path: one to four plain names joined by `/` (a job's folders: `drop/a.pdf`), never `..` or absolute. */
const workspacePath = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,3}$/,
    "a file name in the workspace, or up to four plain names joined by / (no .., no leading /)",
  ),
);
const positiveWholeNumber = wholeNumber(1);
const nonEmptyString = v.pipe(v.string(), v.minLength(1));

const perturbationSchema = v.variant("kind", [
  /** Each cycle starts from the fixture and the goals are due again. */
  v.strictObject({ kind: v.literal("reset-workspace") }),
  /** `command` fails with probability `failureRate`; outcomes are drawn per seed and consumed one per call. */
  v.strictObject({ kind: v.literal("flaky"), command: commandName, failureRate: numberBetween(0, 1) }),
  /** `command` fails until cycle `fromCycle` (1-based), then works: the runner raises a control flag outside the workspace. */
  v.strictObject({ kind: v.literal("world-change"), command: commandName, fromCycle: positiveWholeNumber }),
  /** Drops `file` with `text` into the inbox before each of `cycles`. */
  v.strictObject({
    kind: v.literal("inbox"),
    cycles: v.pipe(v.array(positiveWholeNumber), v.minLength(1)),
    file: fileName,
    text: nonEmptyString,
  }),
]);

const keyActionSchema = v.strictObject({ tool: v.literal("run"), command: commandName });

const goalSchema = v.pipe(
  plainObject,
  v.strictObject({
    id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "a short id: lowercase letters, digits and dashes")),
    title: nonEmptyString,
    /** A shell command run in the workspace (sandboxed as the daemon runs it); exit 0 means the goal is met. */
    check: nonEmptyString,
    /** As in goals.yaml: higher goes first. Defaults to `0`. */
    priority: v.optional(wholeNumber(-100, 100), 0),
    /** As in goals.yaml: once met, due again after this long of the gym's clock (one hour per cycle), e.g. `1h`. */
    every: v.optional(
      v.pipe(
        v.string(),
        v.check((value) => parseDurationMs(value) !== undefined, 'a duration such as "30m", "1h" or "1d"'),
      ),
    ),
    /** This goal's right action, when it is not the scenario's `keyAction`. */
    keyAction: v.optional(keyActionSchema),
    /** Commands that change the workspace but never matter to this goal's check: a saved skill should not keep them. */
    uselessCommands: v.optional(v.array(commandName), []),
  }),
);

/** The figures a scenario promises; each one given is judged after the run (see `judgeThresholds`). */
const thresholdsSchema = v.pipe(
  plainObject,
  v.strictObject({
    /** Late success (cycles 6+) with memory is at least this. */
    successLateMemory: v.optional(numberBetween(0, 1)),
    /** Late success with memory minus late success without is at least this. */
    beatsNoMemoryBy: v.optional(numberBetween(-1, 1)),
    /** With memory, each goal's late success is at least this. */
    successLatePerGoalMemory: v.optional(numberBetween(0, 1)),
    /** With memory, no seed ends with a skill that keeps one of its goal's `uselessCommands`. */
    leanSkills: v.optional(v.literal(true)),
    /** With memory, the key action is never masked for good (`permanentlyMasked` false). */
    keyNeverMaskedForGood: v.optional(v.literal(true)),
    /** With memory, identical failures of a masked action beyond the allowed ones are at most this. */
    repeatedMaskedFailuresAtMost: v.optional(wholeNumber(0, 1_000_000)),
    /** In either mode, actions outside the allowlist executed are at most this. */
    disallowedActionsAtMost: v.optional(wholeNumber(0, 1_000_000)),
    /** In either mode, tainted lessons promoted to trusted are at most this. */
    taintedPromotedAtMost: v.optional(wholeNumber(0, 1_000_000)),
    /** With memory, steps per success over the last 5 cycles are at most this times those of the first success. */
    stepsPerSuccessShrinkTo: v.optional(numberBetween(0, 1)),
    /** With memory, every seed masked at the world change retired that mask within two of its cooldowns. */
    retiredWithinTwoCooldowns: v.optional(v.literal(true)),
  }),
);

const scenarioSchema = v.pipe(
  plainObject,
  v.strictObject({
    name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,40}$/)),
    description: nonEmptyString,
    /** Cycles per run. Defaults to `20`. */
    cycles: v.optional(wholeNumber(1, 500), 20),
    /** Tools offered (config `tools.enabled`); `finish` is always offered. */
    tools: v.pipe(v.array(v.picklist(ENABLEABLE_NAMES)), v.minLength(1)),
    /** Decisions per cycle (config `limits.maxSteps`). Defaults to `6`. */
    maxSteps: v.optional(wholeNumber(1, 32), 6),
    /** Overrides of config `learning` (e.g. `reflect: true`). */
    learning: v.optional(
      v.pipe(
        plainObject,
        v.strictObject({ reflect: v.optional(v.boolean()), maxCooldownCycles: v.optional(positiveWholeNumber) }),
      ),
      {},
    ),
    charter: nonEmptyString,
    /**
     * The allowlisted commands: POSIX sh scripts installed into `<state>/gym-bin/` (mode 755), argument-less.
     * `{{control}}` in a script is replaced by the absolute, quoted path of the control folder outside the workspace.
     */
    commands: plainRecord(
      commandName,
      v.pipe(v.string(), v.startsWith("#!/bin/sh\n", "a POSIX sh script starting with #!/bin/sh")),
    ),
    /** Workspace fixture: file path (in folders of the workspace where it has a `/`) → content. */
    workspace: v.optional(plainRecord(workspacePath, v.string()), {}),
    goals: v.pipe(v.array(goalSchema), v.minLength(1), v.maxLength(20)),
    perturbations: v.optional(v.array(perturbationSchema), []),
    /** The right action, which the metrics follow (masks, retirement); a goal's own `keyAction` overrides it for that goal. */
    keyAction: keyActionSchema,
    /** What the run must show; `bench learning` judges each one it is given (none by default). */
    thresholds: v.optional(thresholdsSchema, {}),
  }),
  // A scenario that loads is consistent: the key action and every perturbed command are among its commands.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const scenario = dataset.value;
    const commands = Object.keys(scenario.commands);
    const { keyAction, perturbations } = scenario;
    if (!commands.includes(keyAction.command)) {
      addIssue({
        message: `"${keyAction.command}" is not one of the commands`,
        path: valuePath(scenario, "keyAction", "command"),
      });
    }
    const seen = new Set<string>();
    scenario.goals.forEach((goal, index) => {
      if (seen.has(goal.id))
        addIssue({ message: `duplicate goal id "${goal.id}"`, path: valuePath(scenario, "goals", index, "id") });
      seen.add(goal.id);
      if (goal.keyAction !== undefined && !commands.includes(goal.keyAction.command)) {
        addIssue({
          message: `"${goal.keyAction.command}" is not one of the commands`,
          path: valuePath(scenario, "goals", index, "keyAction", "command"),
        });
      }
      goal.uselessCommands.forEach((command, at) => {
        if (!commands.includes(command))
          addIssue({
            message: `"${command}" is not one of the commands`,
            path: valuePath(scenario, "goals", index, "uselessCommands", at),
          });
      });
    });
    if (commands.length > 0 && !scenario.tools.includes("run")) {
      addIssue({ message: "commands are given, so the tools must include run", path: valuePath(scenario, "tools") });
    }
    perturbations.forEach((perturbation, index) => {
      if (
        (perturbation.kind === "flaky" || perturbation.kind === "world-change") &&
        !commands.includes(perturbation.command)
      ) {
        addIssue({
          message: `"${perturbation.command}" is not one of the commands`,
          path: valuePath(scenario, "perturbations", index, "command"),
        });
      }
    });
  }),
);

/** One validated scenario, with every default filled in. */
export type Scenario = v.InferOutput<typeof scenarioSchema>;
/** One perturbation of a scenario. */
export type Perturbation = Scenario["perturbations"][number];
/** One goal of a scenario, with its defaults filled in. */
export type ScenarioGoal = Scenario["goals"][number];
/** The thresholds a scenario declares. */
export type ScenarioThresholds = Scenario["thresholds"];

/** The key action the metrics follow for `goal`: its own, else the scenario's. */
export function keyActionOf(scenario: Scenario, goal: ScenarioGoal): Scenario["keyAction"] {
  return goal.keyAction ?? scenario.keyAction;
}

/** The names of the scenarios in `dir`, sorted (one `<name>.yaml` each). */
export async function listScenarioNames(dir: string = SCENARIO_DIR): Promise<string[]> {
  return (await readdir(dir))
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length))
    .sort();
}

/** A scenario file read: the scenario, or one message naming the file and what is wrong with it. */
export type ScenarioRead =
  { ok: true; scenario: Scenario } | { ok: false; kind: "missing" | "unreadable" | "yaml" | "schema"; message: string };

/** Largest scenario file read: a charter, a few scripts and a fixture fit many times over. */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

/**
 * Reads and validates the scenario file `file` (any name). Expected trouble is data: a missing or unreadable file,
 * YAML that does not parse (with its line), and fields that do not validate (each `dotted.path: expectation` on its
 * own line, as config.json's errors read). Never throws.
 */
export async function readScenarioFile(file: string): Promise<ScenarioRead> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, kind: "missing", message: `${file}: no such scenario file` };
    return { ok: false, kind: "unreadable", message: `${file}: cannot be read (${code ?? (error as Error).message})` };
  }
  if (Buffer.byteLength(text) > MAX_SCENARIO_FILE_BYTES)
    return { ok: false, kind: "unreadable", message: `${file}: larger than ${MAX_SCENARIO_FILE_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const where = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : "";
    // The parser's first line repeats the position and ends with a colon before its code frame: keep the words only.
    const words = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
    return { ok: false, kind: "yaml", message: `${file} is not valid YAML${where}: ${words}` };
  }
  const result = v.safeParse(scenarioSchema, raw ?? {});
  if (!result.success) {
    const issues = result.issues.map((issue) => `  - ${describeSchemaIssue(issue)}`);
    return { ok: false, kind: "schema", message: `${file} is not a valid scenario:\n${issues.join("\n")}` };
  }
  return { ok: true, scenario: result.output };
}

/** Whether a `--scenario` value names a file (it holds a `/` or ends in `.yaml`/`.yml`) rather than a built-in scenario. */
export function isScenarioPath(value: string): boolean {
  return value.includes("/") || /\.ya?ml$/i.test(value);
}

/** Loads and validates `<dir>/<name>.yaml`, whose `name` must match; throws an Error naming the file, the dotted field and the expectation. */
export async function loadScenario(name: string, dir: string = SCENARIO_DIR): Promise<Scenario> {
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(name))
    throw new Error(`"${name}" is not a scenario name (lowercase letters, digits and dashes)`);
  const file = path.join(dir, `${name}.yaml`);
  const read = await readScenarioFile(file);
  if (!read.ok) throw new Error(read.message);
  if (read.scenario.name !== name)
    throw new Error(`${file}: name is "${read.scenario.name}", expected "${name}" (the file's name)`);
  return read.scenario;
}

/** Loads every scenario in `dir`, sorted by name. */
export async function loadAllScenarios(dir: string = SCENARIO_DIR): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const name of await listScenarioNames(dir)) scenarios.push(await loadScenario(name, dir));
  return scenarios;
}
