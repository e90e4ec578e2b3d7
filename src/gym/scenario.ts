// Gym scenarios as data: the zod schema of a scenario YAML file and its loader; a scenario that loads is internally consistent.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** The scenario folder of the package: `src/gym/scenarios/`, found from `dist/src/gym/` as well as from `src/gym/`. */
export const SCENARIO_DIR = fileURLToPath(new URL("../../../src/gym/scenarios/", import.meta.url));

const commandName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, "a command name: lowercase letters, digits and dashes");
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a plain file name in the workspace (no folders)");

const perturbationSchema = z.discriminatedUnion("kind", [
  /** Each cycle starts from the fixture and the goals are due again. */
  z.object({ kind: z.literal("reset-workspace") }).strict(),
  /** `command` fails with probability `failureRate`; outcomes are drawn per seed and consumed one per call. */
  z.object({ kind: z.literal("flaky"), command: commandName, failureRate: z.number().min(0).max(1) }).strict(),
  /** `command` fails until cycle `fromCycle` (1-based), then works: the runner raises a control flag outside the workspace. */
  z.object({ kind: z.literal("world-change"), command: commandName, fromCycle: z.number().int().min(1) }).strict(),
  /** Drops `file` with `text` into the inbox before each of `cycles`. */
  z.object({ kind: z.literal("inbox"), cycles: z.array(z.number().int().min(1)).min(1), file: fileName, text: z.string().min(1) }).strict(),
]);

const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
    description: z.string().min(1),
    /** Cycles per run. Defaults to `20`. */
    cycles: z.number().int().min(1).max(500).default(20),
    /** Tools offered (config `tools.enabled`); `finish` is always offered. */
    tools: z.array(z.enum(["finish", "sense", "note", "message_operator", "list_dir", "read_file", "write_file", "append_file", "run", "use_skill"])).min(1),
    /** Decisions per cycle (config `limits.maxSteps`). Defaults to `6`. */
    maxSteps: z.number().int().min(1).max(32).default(6),
    /** Overrides of config `learning` (e.g. `reflect: true`). */
    learning: z.object({ reflect: z.boolean().optional(), maxCooldownCycles: z.number().int().min(1).optional() }).strict().default({}),
    charter: z.string().min(1),
    /**
     * The allowlisted commands: POSIX sh scripts installed into `<state>/gym-bin/` (mode 755), argument-less.
     * `{{control}}` in a script is replaced by the absolute, quoted path of the control folder outside the workspace.
     */
    commands: z.record(commandName, z.string().startsWith("#!/bin/sh\n", "a POSIX sh script starting with #!/bin/sh")),
    /** Workspace fixture: file name → content. */
    workspace: z.record(fileName, z.string()).default({}),
    goals: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/), title: z.string().min(1), check: z.string().min(1) }).strict())
      .min(1),
    perturbations: z.array(perturbationSchema).default([]),
    /** The right action, which the metrics follow (masks, retirement). */
    keyAction: z.object({ tool: z.literal("run"), command: commandName }).strict(),
  })
  .strict()
  .superRefine((scenario, context) => {
    const commands = Object.keys(scenario.commands);
    if (!commands.includes(scenario.keyAction.command)) {
      context.addIssue({ code: "custom", path: ["keyAction", "command"], message: `"${scenario.keyAction.command}" is not one of the commands` });
    }
    if (commands.length > 0 && !scenario.tools.includes("run")) {
      context.addIssue({ code: "custom", path: ["tools"], message: "commands are given, so the tools must include run" });
    }
    scenario.perturbations.forEach((perturbation, index) => {
      if ((perturbation.kind === "flaky" || perturbation.kind === "world-change") && !commands.includes(perturbation.command)) {
        context.addIssue({ code: "custom", path: ["perturbations", index, "command"], message: `"${perturbation.command}" is not one of the commands` });
      }
    });
  });

/** One validated scenario, with every default filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
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
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    throw new Error(`${file} is not a valid scenario:\n${issues.join("\n")}`);
  }
  if (result.data.name !== name) throw new Error(`${file}: name is "${result.data.name}", expected "${name}" (the file's name)`);
  return result.data;
}

/** Loads every scenario in `dir`, sorted by name. */
export async function loadAllScenarios(dir: string = SCENARIO_DIR): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const name of await listScenarioNames(dir)) scenarios.push(await loadScenario(name, dir));
  return scenarios;
}
