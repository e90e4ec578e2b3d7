// The config schema (zod), its defaults, and the only reader of process.env. Parsed once; errors name the dotted field.
import path from "node:path";
import { z } from "zod";
import { validate as isValidCron } from "node-cron";

/** A command name the `run` tool may execute: a bare program name, looked up on the safe PATH. */
const commandName = z
  .string()
  .regex(/^[A-Za-z0-9._+-]{1,64}$/, "a bare program name such as \"ls\" (letters, digits, . _ + -; no paths, no spaces)");

export const configSchema = z
  .object({
    /** Config file format version. */
    version: z.literal(1).default(1),
    model: z
      .object({
        /** GGUF path, absolute or relative to the state dir. `null` means not configured yet. Defaults to `null`. */
        path: z.string().min(1).nullable().default(null),
        /** Context window in tokens. Defaults to `2048`. */
        contextSize: z.number().int().min(256).max(131072).default(2048),
        /** CPU threads for generation. Defaults to `1`: on small boards oversubscription is far worse than one thread. */
        threads: z.number().int().min(1).max(64).default(1),
        /** Sampling temperature; 0 is greedy. Defaults to `0.2`. */
        temperature: z.number().min(0).max(2).default(0.2),
        /** Seed for sampling, for reproducible runs. Defaults to none (random). */
        seed: z.number().int().min(0).optional(),
        /** Upper bound on generated tokens per decision. Defaults to `256`. */
        maxTokensPerStep: z.number().int().min(32).max(4096).default(256),
        /** Longest `thought` the model may write per step, in characters. Defaults to `160`. */
        thoughtMaxChars: z.number().int().min(0).max(1000).default(160),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        /** node-cron expression (5 or 6 fields). Defaults to every 30 minutes. */
        cron: z
          .string()
          .refine((value) => isValidCron(value), "a valid cron expression such as \"*/30 * * * *\"")
          .default("*/30 * * * *"),
        /** Quiet time after the last inbox/goals/charter change before waking. Defaults to `2000`. */
        debounceMs: z.number().int().min(0).max(600_000).default(2000),
        /** Run a cycle at start when the last one is older than the schedule's interval. Defaults to `true`. */
        catchUp: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        /** Decisions per cycle. Defaults to `8`. */
        maxSteps: z.number().int().min(1).max(64).default(8),
        /** Wall time for one decision. Defaults to `60000`. */
        stepTimeoutMs: z.number().int().min(100).default(60_000),
        /** Wall time for the whole cycle. Defaults to `600000`. */
        cycleTimeoutMs: z.number().int().min(1000).default(600_000),
        /** Skip the cycle above this CPU temperature. Defaults to `80`. */
        maxTempC: z.number().min(30).max(110).default(80),
        /** Above this CPU temperature a cycle runs with half of `model.threads` (at least 1). Defaults to `70`. */
        softTempC: z.number().min(30).max(110).default(70),
        /**
         * When free RAM cannot hold `model.contextSize`, the largest context that fits is used, down to this many
         * tokens; below it the cycle is skipped for low memory. Defaults to `512`.
         */
        minContextSize: z.number().int().min(256).max(131_072).default(512),
        /** RAM kept free for the rest of the board on top of the model's estimate. Defaults to `64`. */
        reserveRamMB: z.number().int().min(0).default(64),
        /** Largest file the file tools read or write. Defaults to `65536`. */
        maxFileBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(65_536),
        /** Output kept from a command (stdout + stderr). Defaults to `16384`. */
        maxOutputBytes: z.number().int().min(256).max(4 * 1024 * 1024).default(16_384),
        /** Wall time for one command or goal check. Defaults to `10000`. */
        commandTimeoutMs: z.number().int().min(100).max(3_600_000).default(10_000),
        /** Journal entries recalled into the prompt. Defaults to `3`. */
        recentJournalEntries: z.number().int().min(0).max(50).default(3),
      })
      .strict()
      .refine((limits) => limits.softTempC <= limits.maxTempC, { message: "softTempC must not be above maxTempC", path: ["softTempC"] })
      .prefault({}),
    tools: z
      .object({
        /** Programs the `run` tool may execute (argv, no shell). Defaults to a few read-only ones. */
        allowCommands: z.array(commandName).max(64).default(["ls", "cat", "wc", "date", "echo"]),
        /**
         * Extra folders searched first for allowlisted programs (the operator's own scripts), absolute or relative to
         * the state dir. Only names in allowCommands are ever run from them. Defaults to none.
         */
        commandDirs: z.array(z.string().min(1)).max(8).default([]),
        /** Most arguments the model may pass to a given program, by name; others take up to 8. `0` makes a program argument-less. */
        commandArgs: z.record(commandName, z.number().int().min(0).max(8)).default({}),
        /** Tools offered to the model; `finish` is always offered. Defaults to all. */
        enabled: z
          .array(z.enum(["finish", "sense", "note", "message_operator", "list_dir", "read_file", "write_file", "append_file", "run", "use_skill"]))
          .optional(),
      })
      .strict()
      .prefault({}),
    learning: z
      .object({
        /** Learn from outcomes: masks, flaky detection, skills, lesson counts. Defaults to `true`. */
        enabled: z.boolean().default(true),
        /** After a failed step, ask the model for a one-line lesson (stored provisional). Defaults to `false`. */
        reflect: z.boolean().default(false),
        /** Consolidate lessons every this many cycles. Defaults to `10`. */
        consolidateEveryCycles: z.number().int().min(1).max(10_000).default(10),
        /** Active lessons kept after consolidation. Defaults to `200`. */
        maxLessons: z.number().int().min(10).max(100_000).default(200),
        /** Longest mask cooldown, in cycles. Defaults to `8`. */
        maxCooldownCycles: z.number().int().min(1).max(1000).default(8),
      })
      .strict()
      .prefault({}),
    history: z
      .object({
        /** Commit the state (db, lessons, journal, goals, config) to `.history/` after each cycle. Defaults to `true`. */
        enabled: z.boolean().default(true),
        /**
         * Entries kept: once there are half as many again (counted every `min(100, keepEntries / 2)` cycles), the
         * history is cut after the newest `keepEntries` (marked in `.history/shallow`) and what no kept entry holds is
         * deleted. An entry costs about the compressed size of the files that changed, mostly db.json. Defaults to
         * `1000` (about three weeks at the default schedule).
         */
        keepEntries: z.number().int().min(10).max(1_000_000).default(1000),
      })
      .strict()
      .prefault({}),
    retention: z
      .object({
        /**
         * `episodes.jsonl` past this size (MB) is cut to half of it: the newest episodes and every episode a lesson,
         * skill or situation cites as evidence are kept. Defaults to `64`.
         */
        episodesMaxMB: z.number().min(0.05).max(100_000).default(64),
        /**
         * The journal past this size (MB, all day files) loses its oldest days (today's is cut to its newest
         * entries only when it alone is too big); day files older than `journalDays` go too. Defaults to `32`.
         */
        journalMaxMB: z.number().min(0.05).max(100_000).default(32),
        /** Journal day files kept, counting today. Defaults to `365`. */
        journalDays: z.number().int().min(1).max(100_000).default(365),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The validated config with every default filled in. */
export type Config = z.infer<typeof configSchema>;

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
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `${where}: ${issue.message}`;
  });
  throw new ConfigError(file, issues);
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
