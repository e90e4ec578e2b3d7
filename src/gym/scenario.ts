// Gym scenarios as data: the valibot schema of a scenario YAML file and its loader; a scenario that loads is internally consistent.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { describeSchemaIssue } from "../validation/describe-schema-issue.js";
import { numberBetween, wholeNumber } from "../validation/numbers.js";
import { plainObject } from "../validation/plain-object.js";
import { plainRecord } from "../validation/plain-record.js";
import { valuePath } from "../validation/value-path.js";

/** The scenario folder of the package: `src/gym/scenarios/`, found from `dist/src/gym/` as well as from `src/gym/`. */
export const SCENARIO_DIR = fileURLToPath(new URL("../../../src/gym/scenarios/", import.meta.url));

const commandName = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,40}$/, "a command name: lowercase letters, digits and dashes"));
const fileName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a plain file name in the workspace (no folders)"));
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
  v.strictObject({ kind: v.literal("inbox"), cycles: v.pipe(v.array(positiveWholeNumber), v.minLength(1)), file: fileName, text: nonEmptyString }),
]);

const scenarioSchema = v.pipe(
  plainObject,
  v.strictObject({
    name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,40}$/)),
    description: nonEmptyString,
    /** Cycles per run. Defaults to `20`. */
    cycles: v.optional(wholeNumber(1, 500), 20),
    /** Tools offered (config `tools.enabled`); `finish` is always offered. */
    tools: v.pipe(
      v.array(v.picklist(["finish", "sense", "note", "message_operator", "list_dir", "read_file", "write_file", "append_file", "run", "use_skill"])),
      v.minLength(1),
    ),
    /** Decisions per cycle (config `limits.maxSteps`). Defaults to `6`. */
    maxSteps: v.optional(wholeNumber(1, 32), 6),
    /** Overrides of config `learning` (e.g. `reflect: true`). */
    learning: v.optional(v.pipe(plainObject, v.strictObject({ reflect: v.optional(v.boolean()), maxCooldownCycles: v.optional(positiveWholeNumber) })), {}),
    charter: nonEmptyString,
    /**
     * The allowlisted commands: POSIX sh scripts installed into `<state>/gym-bin/` (mode 755), argument-less.
     * `{{control}}` in a script is replaced by the absolute, quoted path of the control folder outside the workspace.
     */
    commands: plainRecord(commandName, v.pipe(v.string(), v.startsWith("#!/bin/sh\n", "a POSIX sh script starting with #!/bin/sh"))),
    /** Workspace fixture: file name → content. */
    workspace: v.optional(plainRecord(fileName, v.string()), {}),
    goals: v.pipe(
      v.array(v.strictObject({ id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/)), title: nonEmptyString, check: nonEmptyString })),
      v.minLength(1),
    ),
    perturbations: v.optional(v.array(perturbationSchema), []),
    /** The right action, which the metrics follow (masks, retirement). */
    keyAction: v.strictObject({ tool: v.literal("run"), command: commandName }),
  }),
  // A scenario that loads is consistent: the key action and every perturbed command are among its commands.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const scenario = dataset.value;
    const commands = Object.keys(scenario.commands);
    const { keyAction, perturbations } = scenario;
    if (!commands.includes(keyAction.command)) {
      addIssue({ message: `"${keyAction.command}" is not one of the commands`, path: valuePath(scenario, "keyAction", "command") });
    }
    if (commands.length > 0 && !scenario.tools.includes("run")) {
      addIssue({ message: "commands are given, so the tools must include run", path: valuePath(scenario, "tools") });
    }
    perturbations.forEach((perturbation, index) => {
      if ((perturbation.kind === "flaky" || perturbation.kind === "world-change") && !commands.includes(perturbation.command)) {
        addIssue({ message: `"${perturbation.command}" is not one of the commands`, path: valuePath(scenario, "perturbations", index, "command") });
      }
    });
  }),
);

/** One validated scenario, with every default filled in. */
export type Scenario = v.InferOutput<typeof scenarioSchema>;
/** One perturbation of a scenario. */
export type Perturbation = Scenario["perturbations"][number];

/** The names of the scenarios in `dir`, sorted (one `<name>.yaml` each). */
export async function listScenarioNames(dir: string = SCENARIO_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(".yaml")).map((name) => name.slice(0, -".yaml".length)).sort();
}

/** Loads and validates `<dir>/<name>.yaml`; throws an Error naming the file, the dotted field and the expectation. */
export async function loadScenario(name: string, dir: string = SCENARIO_DIR): Promise<Scenario> {
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(name)) throw new Error(`"${name}" is not a scenario name (lowercase letters, digits and dashes)`);
  const file = path.join(dir, `${name}.yaml`);
  const raw: unknown = parseYaml(await readFile(file, "utf8"));
  const result = v.safeParse(scenarioSchema, raw);
  if (!result.success) {
    const issues = result.issues.map((issue) => `  - ${describeSchemaIssue(issue)}`);
    throw new Error(`${file} is not a valid scenario:\n${issues.join("\n")}`);
  }
  if (result.output.name !== name) throw new Error(`${file}: name is "${result.output.name}", expected "${name}" (the file's name)`);
  return result.output;
}

/** Loads every scenario in `dir`, sorted by name. */
export async function loadAllScenarios(dir: string = SCENARIO_DIR): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const name of await listScenarioNames(dir)) scenarios.push(await loadScenario(name, dir));
  return scenarios;
}
