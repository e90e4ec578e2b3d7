// The config schema (valibot), each key with its default and description, and the only reader of process.env. Parsed once; errors name the dotted field.
import path from "node:path";
import * as v from "valibot";
import { DEFAULT_ENABLED_NAMES, ENABLEABLE_NAMES } from "./tools/registry.js";
import { cronExpressionProblem } from "./validation/cron-expression-problem.js";
import { describeSchemaIssue } from "./validation/describe-schema-issue.js";
import { numberBetween, wholeNumber } from "./validation/numbers.js";
import { plainObject } from "./validation/plain-object.js";
import { plainRecord } from "./validation/plain-record.js";

/** A command name the `run` tool may execute: a bare program name, looked up on the safe PATH. */
const commandName = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z0-9._+-]{1,64}$/,
    'a bare program name such as "ls" (letters, digits, . _ + -; no paths, no spaces)',
  ),
  v.title("program name"),
);

/**
 * A config section: an object (a list is refused, not read as `{}`) with only these keys, all optional. A missing
 * section is read as `{}`, so its defaults fill in. `description` says what the section is for `apprentice config`.
 */
function section<const TEntries extends v.ObjectEntries>(description: string, entries: TEntries) {
  return v.pipe(v.optional(v.pipe(plainObject, v.strictObject(entries)), {}), v.description(description));
}

/**
 * The schema of config.json. Every key carries its default (`v.optional(schema, default)`; none where it has no
 * default) and a one-line description (`v.description`), which `apprentice config` lists with the type the schema
 * accepts (src/config-reference.ts). A description does not repeat the default: the reference shows it from here.
 */
export const configSchema = v.pipe(
  plainObject,
  v.strictObject({
    version: v.pipe(v.optional(v.literal(1), 1), v.description("Config file format version.")),
    model: section("The model file and how it generates.", {
      path: v.pipe(
        v.optional(v.nullable(v.pipe(v.string(), v.minLength(1))), null),
        v.description("GGUF file, absolute or relative to the state dir; null means no model is configured yet."),
      ),
      contextSize: v.pipe(v.optional(wholeNumber(256, 131072), 2048), v.description("Context window in tokens.")),
      threads: v.pipe(
        v.optional(wholeNumber(1, 64), 1),
        v.description("CPU threads for generation; on small boards oversubscription is far worse than one thread."),
      ),
      temperature: v.pipe(v.optional(numberBetween(0, 2), 0.2), v.description("Sampling temperature; 0 is greedy.")),
      seed: v.pipe(
        v.optional(wholeNumber(0)),
        v.description("Seed for sampling, for reproducible runs; unset means a random seed."),
      ),
      maxTokensPerStep: v.pipe(
        v.optional(wholeNumber(32, 4096), 256),
        v.description("Upper bound on the tokens generated for one decision."),
      ),
      thoughtMaxChars: v.pipe(
        v.optional(wholeNumber(0, 1000), 160),
        v.description("Longest `thought` the model may write per step, in characters."),
      ),
      prefixCache: v.pipe(
        v.optional(v.boolean(), true),
        v.description(
          "Keep the model's evaluated state of the prompt's cached prefix (charter, tools, skills, lessons, goals, the journal so far) in .cache/prefix/, and at the next cycle load the part of it that still matches instead of evaluating it again; one state file is written per cycle whose prefix changed.",
        ),
      ),
      prefixCacheMaxMB: v.pipe(
        v.optional(wholeNumber(1, 65536), 256),
        v.description("Most megabytes the prefix cache's state files may take together; a bigger state is not kept."),
      ),
    }),
    schedule: section("When the daemon wakes.", {
      cron: v.pipe(
        v.optional(
          v.pipe(
            v.string(),
            v.check(
              (value) => cronExpressionProblem(value) === undefined,
              (issue) =>
                `invalid cron expression ${JSON.stringify(issue.input)}: ${cronExpressionProblem(String(issue.input))}`,
            ),
            v.title("cron expression"),
          ),
          "*/30 * * * *",
        ),
        v.description(
          "When cycles run: a node-cron expression of 5 fields, or 6 with seconds first. A running daemon re-arms its timer when it changes.",
        ),
      ),
      debounceMs: v.pipe(
        v.optional(wholeNumber(0, 600_000), 2000),
        v.description("Quiet time after the last inbox, goals or charter change before waking, in ms."),
      ),
      catchUp: v.pipe(
        v.optional(v.boolean(), true),
        v.description(
          "Run a cycle at start when the last one is older than the schedule's interval; read at start only, so a change holds from the next start.",
        ),
      ),
    }),
    limits: v.pipe(
      v.optional(
        v.pipe(
          plainObject,
          v.strictObject({
            maxSteps: v.pipe(v.optional(wholeNumber(1, 64), 8), v.description("Decisions per cycle.")),
            stepTimeoutMs: v.pipe(
              v.optional(wholeNumber(100), 60_000),
              v.description("Wall time for one decision of the model, in ms."),
            ),
            cycleTimeoutMs: v.pipe(
              v.optional(wholeNumber(1000), 600_000),
              v.description("Wall time for the whole cycle, in ms."),
            ),
            maxTempC: v.pipe(
              v.optional(numberBetween(30, 110), 80),
              v.description("Skip the cycle above this CPU temperature, in °C."),
            ),
            softTempC: v.pipe(
              v.optional(numberBetween(30, 110), 70),
              v.description(
                "Above this CPU temperature (°C) a cycle runs with half of `model.threads` (at least 1); at most `maxTempC`.",
              ),
            ),
            minContextSize: v.pipe(
              v.optional(wholeNumber(256, 131_072), 512),
              v.description(
                "When free RAM cannot hold `model.contextSize`, the largest context that fits is used, down to this many tokens; below it the cycle is skipped for low memory.",
              ),
            ),
            reserveRamMB: v.pipe(
              v.optional(wholeNumber(0), 64),
              v.description("RAM kept free for the rest of the board on top of the model's estimate, in MB."),
            ),
            maxFileBytes: v.pipe(
              v.optional(wholeNumber(1, 16 * 1024 * 1024), 65_536),
              v.description("Largest file the file tools read or write, in bytes."),
            ),
            maxOutputBytes: v.pipe(
              v.optional(wholeNumber(256, 4 * 1024 * 1024), 16_384),
              v.description("Output kept from a command (stdout and stderr), in bytes."),
            ),
            commandTimeoutMs: v.pipe(
              v.optional(wholeNumber(100, 3_600_000), 10_000),
              v.description("Wall time for one command or goal check, in ms."),
            ),
            recentJournalEntries: v.pipe(
              v.optional(wholeNumber(0, 50), 3),
              v.description(
                "Journal entries recalled into the prompt, one line each: at least this many, at most twice this less one; the window moves on once every this many cycles, so the journal's earlier lines stay in the cached prefix.",
              ),
            ),
          }),
          v.forward(
            v.check((limits) => limits.softTempC <= limits.maxTempC, "softTempC must not be above maxTempC"),
            ["softTempC"],
          ),
        ),
        {},
      ),
      v.description("Bounds on a cycle: steps, time, heat, memory, file and output sizes, journal recalled."),
    ),
    tools: section("What the model may use.", {
      allowCommands: v.pipe(
        v.optional(v.pipe(v.array(commandName), v.maxLength(64)), ["ls", "cat", "wc", "date", "echo"]),
        v.description("Programs the `run` tool may execute (argv, no shell)."),
      ),
      commandDirs: v.pipe(
        v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.maxLength(8)), []),
        v.description(
          "Extra folders searched first for allowlisted programs (the operator's own scripts), absolute or relative to the state dir; only names in `allowCommands` are ever run from them.",
        ),
      ),
      commandArgs: v.pipe(
        v.optional(plainRecord(commandName, wholeNumber(0, 8)), {}),
        v.description(
          "Most arguments the model may pass to a given program, by name; others take up to 8, and 0 makes a program argument-less.",
        ),
      ),
      enabled: v.pipe(
        v.optional(v.array(v.picklist(ENABLEABLE_NAMES)), () => [...DEFAULT_ENABLED_NAMES]),
        v.description(
          "Tools offered to the model, by name: any built-in tool or `use_skill`; `finish` is always offered. The default leaves out the opt-in tools.",
        ),
      ),
    }),
    sandbox: section("How commands and goal checks are confined.", {
      mode: v.pipe(
        v.optional(v.picklist(["bwrap", "none"]), "bwrap"),
        v.description(
          "`bwrap`: `run` commands, goal checks and skill replays run inside bubblewrap, where the workspace is the only writable place, system files are read-only, the rest of the filesystem (the state dir, /home) is not there, there is no network unless granted below, and every process dies with the step; where bwrap is missing or cannot build the sandbox they refuse to start. `none`: they run as plain child processes of the daemon, behind the argument rules and the workspace link scan only.",
        ),
      ),
      networkCommands: v.pipe(
        v.optional(v.pipe(v.array(commandName), v.maxLength(64)), []),
        v.description("Allowlisted programs that run with the host's network (and its resolver and CA files)."),
      ),
      networkChecks: v.pipe(v.optional(v.boolean(), false), v.description("Goal checks run with the host's network.")),
    }),
    learning: section("How the agent learns from outcomes.", {
      enabled: v.pipe(
        v.optional(v.boolean(), true),
        v.description("Learn from outcomes: masks, flaky detection, skills, lesson counts."),
      ),
      reflect: v.pipe(
        v.optional(v.boolean(), false),
        v.description("After a failed step, ask the model for a one-line lesson (stored provisional)."),
      ),
      consolidateEveryCycles: v.pipe(
        v.optional(wholeNumber(1, 10_000), 10),
        v.description("Consolidate lessons every this many cycles."),
      ),
      maxLessons: v.pipe(
        v.optional(wholeNumber(10, 100_000), 200),
        v.description("Active lessons kept after consolidation."),
      ),
      maxCooldownCycles: v.pipe(
        v.optional(wholeNumber(1, 1000), 8),
        v.description("Longest mask cooldown, in cycles."),
      ),
    }),
    history: section("The state's history in `.history/`, which `history` and `rollback` read.", {
      enabled: v.pipe(
        v.optional(v.boolean(), true),
        v.description(
          "Commit the state (db, lessons, journal, goals, charter, config) to `.history/` after each cycle.",
        ),
      ),
      keepEntries: v.pipe(
        v.optional(wholeNumber(10, 1_000_000), 1000),
        v.description(
          "Entries kept: once there are half as many again (counted every min(100, keepEntries / 2) cycles), the history is cut after the newest `keepEntries` (marked in `.history/shallow`) and what no kept entry holds is deleted. An entry costs about the compressed size of the files that changed, mostly db.json; 1000 is about three weeks at the default schedule.",
        ),
      ),
    }),
    retention: section("How large the agent's logs may grow.", {
      episodesMaxMB: v.pipe(
        v.optional(numberBetween(0.05, 100_000), 64),
        v.description(
          "`episodes.jsonl` past this size (MB) is cut to half of it: the newest episodes and every episode a lesson, skill or situation cites as evidence are kept.",
        ),
      ),
      journalMaxMB: v.pipe(
        v.optional(numberBetween(0.05, 100_000), 32),
        v.description(
          "The journal past this size (MB, all day files) loses its oldest days (today's is cut to its newest entries only when it alone is too big); day files older than `journalDays` go too.",
        ),
      ),
      journalDays: v.pipe(
        v.optional(wholeNumber(1, 100_000), 365),
        v.description("Journal day files kept, counting today."),
      ),
    }),
  }),
);

/** The validated config with every default filled in. */
export type Config = v.InferOutput<typeof configSchema>;

/** A config that failed validation: each issue names its dotted path and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file} is not a valid config:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates raw JSON-parsed config; throws {@link ConfigError} naming each bad field. */
export function parseConfig(raw: unknown, file: string): Config {
  const result = v.safeParse(configSchema, raw);
  if (result.success) return result.output;
  throw new ConfigError(
    file,
    result.issues.map((issue) => describeSchemaIssue(issue)),
  );
}

/** Resolves the configured model path against the state dir; `undefined` when none is configured. */
export function resolveModelPath(config: Config, stateDir: string, override?: string): string | undefined {
  const chosen = override ?? config.model.path ?? undefined;
  if (chosen === undefined) return undefined;
  return path.resolve(override !== undefined ? process.cwd() : stateDir, chosen);
}

/** Settings that come from the environment rather than the state dir. */
export interface Environment {
  /** Where the test model and other caches go. From `APPRENTICE_CACHE_DIR`; else the CLI's `defaultCacheDir()`. */
  cacheDir: string;
  /** Log verbosity. From `APPRENTICE_LOG` (`debug`, `info`, `warn`, `error`); defaults to `info`. */
  logLevel: "debug" | "info" | "warn" | "error";
}

/**
 * Reads the environment once: the settings that are not options. APPRENTICE_STATE, the default of `--state`, is
 * read with the options (src/cli/main.ts).
 */
export function readEnvironment(defaultCacheDir: string): Environment {
  const level = process.env.APPRENTICE_LOG;
  const logLevel = level === "debug" || level === "warn" || level === "error" ? level : "info";
  return { cacheDir: process.env.APPRENTICE_CACHE_DIR ?? defaultCacheDir, logLevel };
}
