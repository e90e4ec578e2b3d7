// The config schema (valibot), its defaults, and the only reader of process.env. Parsed once; errors name the dotted field.
import path from "node:path";
import * as v from "valibot";
import { validate as isValidCron } from "node-cron";
import { DEFAULT_ENABLED_NAMES, ENABLEABLE_NAMES } from "./tools/registry.js";
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
);

/**
 * A config section: an object (a list is refused, not read as `{}`) with only these keys, all optional. A missing
 * section is read as `{}`, so its defaults fill in.
 */
function section<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.optional(v.pipe(plainObject, v.strictObject(entries)), {});
}

export const configSchema = v.pipe(
  plainObject,
  v.strictObject({
    /** Config file format version. */
    version: v.optional(v.literal(1), 1),
    model: section({
      /** GGUF path, absolute or relative to the state dir. `null` means not configured yet. Defaults to `null`. */
      path: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1))), null),
      /** Context window in tokens. Defaults to `2048`. */
      contextSize: v.optional(wholeNumber(256, 131072), 2048),
      /** CPU threads for generation. Defaults to `1`: on small boards oversubscription is far worse than one thread. */
      threads: v.optional(wholeNumber(1, 64), 1),
      /** Sampling temperature; 0 is greedy. Defaults to `0.2`. */
      temperature: v.optional(numberBetween(0, 2), 0.2),
      /** Seed for sampling, for reproducible runs. Defaults to none (random). */
      seed: v.optional(wholeNumber(0)),
      /** Upper bound on generated tokens per decision. Defaults to `256`. */
      maxTokensPerStep: v.optional(wholeNumber(32, 4096), 256),
      /** Longest `thought` the model may write per step, in characters. Defaults to `160`. */
      thoughtMaxChars: v.optional(wholeNumber(0, 1000), 160),
    }),
    schedule: section({
      /** node-cron expression (5 or 6 fields). Defaults to every 30 minutes. */
      cron: v.optional(
        v.pipe(
          v.string(),
          v.check((value) => isValidCron(value), 'a valid cron expression such as "*/30 * * * *"'),
        ),
        "*/30 * * * *",
      ),
      /** Quiet time after the last inbox/goals/charter change before waking. Defaults to `2000`. */
      debounceMs: v.optional(wholeNumber(0, 600_000), 2000),
      /** Run a cycle at start when the last one is older than the schedule's interval. Defaults to `true`. */
      catchUp: v.optional(v.boolean(), true),
    }),
    limits: v.optional(
      v.pipe(
        plainObject,
        v.strictObject({
          /** Decisions per cycle. Defaults to `8`. */
          maxSteps: v.optional(wholeNumber(1, 64), 8),
          /** Wall time for one decision. Defaults to `60000`. */
          stepTimeoutMs: v.optional(wholeNumber(100), 60_000),
          /** Wall time for the whole cycle. Defaults to `600000`. */
          cycleTimeoutMs: v.optional(wholeNumber(1000), 600_000),
          /** Skip the cycle above this CPU temperature. Defaults to `80`. */
          maxTempC: v.optional(numberBetween(30, 110), 80),
          /** Above this CPU temperature a cycle runs with half of `model.threads` (at least 1). Defaults to `70`. */
          softTempC: v.optional(numberBetween(30, 110), 70),
          /**
           * When free RAM cannot hold `model.contextSize`, the largest context that fits is used, down to this many
           * tokens; below it the cycle is skipped for low memory. Defaults to `512`.
           */
          minContextSize: v.optional(wholeNumber(256, 131_072), 512),
          /** RAM kept free for the rest of the board on top of the model's estimate. Defaults to `64`. */
          reserveRamMB: v.optional(wholeNumber(0), 64),
          /** Largest file the file tools read or write. Defaults to `65536`. */
          maxFileBytes: v.optional(wholeNumber(1, 16 * 1024 * 1024), 65_536),
          /** Output kept from a command (stdout + stderr). Defaults to `16384`. */
          maxOutputBytes: v.optional(wholeNumber(256, 4 * 1024 * 1024), 16_384),
          /** Wall time for one command or goal check. Defaults to `10000`. */
          commandTimeoutMs: v.optional(wholeNumber(100, 3_600_000), 10_000),
          /** Journal entries recalled into the prompt. Defaults to `3`. */
          recentJournalEntries: v.optional(wholeNumber(0, 50), 3),
        }),
        v.forward(
          v.check((limits) => limits.softTempC <= limits.maxTempC, "softTempC must not be above maxTempC"),
          ["softTempC"],
        ),
      ),
      {},
    ),
    tools: section({
      /** Programs the `run` tool may execute (argv, no shell). Defaults to a few read-only ones. */
      allowCommands: v.optional(v.pipe(v.array(commandName), v.maxLength(64)), ["ls", "cat", "wc", "date", "echo"]),
      /**
       * Extra folders searched first for allowlisted programs (the operator's own scripts), absolute or relative to
       * the state dir. Only names in allowCommands are ever run from them. Defaults to none.
       */
      commandDirs: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.maxLength(8)), []),
      /** Most arguments the model may pass to a given program, by name; others take up to 8. `0` makes a program argument-less. */
      commandArgs: v.optional(plainRecord(commandName, wholeNumber(0, 8)), {}),
      /**
       * Tools offered to the model, by name: any built-in tool or `use_skill`; `finish` is always offered. Defaults to
       * every tool enabled by default (the opt-in ones left out) and `use_skill`.
       */
      enabled: v.optional(v.array(v.picklist(ENABLEABLE_NAMES)), () => [...DEFAULT_ENABLED_NAMES]),
    }),
    sandbox: section({
      /**
       * How `run` commands, goal checks and skill replays are confined. `bwrap`: inside bubblewrap, where the workspace
       * is the only writable place, system files are read-only, the rest of the filesystem (the state dir, /home) is
       * not there, there is no network unless granted below, and every process dies with the step; where bwrap is
       * missing or cannot build the sandbox, commands and checks refuse to start. `none`: they run as plain child
       * processes of the daemon, behind the argument rules and the workspace link scan only. Defaults to `bwrap`.
       */
      mode: v.optional(v.picklist(["bwrap", "none"]), "bwrap"),
      /** Allowlisted program names that run with the host's network (and its resolver and CA files). Defaults to none. */
      networkCommands: v.optional(v.pipe(v.array(commandName), v.maxLength(64)), []),
      /** Goal checks run with the host's network. Defaults to `false`. */
      networkChecks: v.optional(v.boolean(), false),
    }),
    learning: section({
      /** Learn from outcomes: masks, flaky detection, skills, lesson counts. Defaults to `true`. */
      enabled: v.optional(v.boolean(), true),
      /** After a failed step, ask the model for a one-line lesson (stored provisional). Defaults to `false`. */
      reflect: v.optional(v.boolean(), false),
      /** Consolidate lessons every this many cycles. Defaults to `10`. */
      consolidateEveryCycles: v.optional(wholeNumber(1, 10_000), 10),
      /** Active lessons kept after consolidation. Defaults to `200`. */
      maxLessons: v.optional(wholeNumber(10, 100_000), 200),
      /** Longest mask cooldown, in cycles. Defaults to `8`. */
      maxCooldownCycles: v.optional(wholeNumber(1, 1000), 8),
    }),
    history: section({
      /** Commit the state (db, lessons, journal, goals, config) to `.history/` after each cycle. Defaults to `true`. */
      enabled: v.optional(v.boolean(), true),
      /**
       * Entries kept: once there are half as many again (counted every `min(100, keepEntries / 2)` cycles), the
       * history is cut after the newest `keepEntries` (marked in `.history/shallow`) and what no kept entry holds is
       * deleted. An entry costs about the compressed size of the files that changed, mostly db.json. Defaults to
       * `1000` (about three weeks at the default schedule).
       */
      keepEntries: v.optional(wholeNumber(10, 1_000_000), 1000),
    }),
    retention: section({
      /**
       * `episodes.jsonl` past this size (MB) is cut to half of it: the newest episodes and every episode a lesson,
       * skill or situation cites as evidence are kept. Defaults to `64`.
       */
      episodesMaxMB: v.optional(numberBetween(0.05, 100_000), 64),
      /**
       * The journal past this size (MB, all day files) loses its oldest days (today's is cut to its newest
       * entries only when it alone is too big); day files older than `journalDays` go too. Defaults to `32`.
       */
      journalMaxMB: v.optional(numberBetween(0.05, 100_000), 32),
      /** Journal day files kept, counting today. Defaults to `365`. */
      journalDays: v.optional(wholeNumber(1, 100_000), 365),
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
  /** Where the test model and other caches go. From `APPRENTICE_CACHE_DIR`; defaults to `<repo>/.cache`. */
  cacheDir: string;
  /** Log verbosity. From `APPRENTICE_LOG` (`debug`, `info`, `warn`, `error`); defaults to `info`. */
  logLevel: "debug" | "info" | "warn" | "error";
}

/** Reads the environment once. The only place in the code that touches `process.env` for settings. */
export function readEnvironment(defaultCacheDir: string): Environment {
  const level = process.env.APPRENTICE_LOG;
  const logLevel = level === "debug" || level === "warn" || level === "error" ? level : "info";
  return { cacheDir: process.env.APPRENTICE_CACHE_DIR ?? defaultCacheDir, logLevel };
}
