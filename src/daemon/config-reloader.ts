// Reads config.json again in a running daemon: a valid edit is applied and its changed settings logged; an unusable one is reported once (log and outbox) and the daemon runs on the last good config. The file is only ever read.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { listConfigChanges, formatConfigChanges, type ConfigChange } from "../config-changes.js";
import { parseConfigText } from "../config-file.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { StatePaths } from "../memory/state-paths.js";
import { describeError } from "../text/describe-error.js";
import { writeOutboxNote } from "./write-outbox-note.js";

/** Options of {@link ConfigReloader}. */
export interface ConfigReloaderOptions {
  paths: StatePaths;
  /** The config the daemon started with. */
  config: Config;
  logger: Logger;
  clock: () => Date;
  /**
   * Why the daemon could not work on `config` (the checks `start` makes: the model file, the sandbox, a schedule with
   * a next run), given the changed settings; `undefined` when it can. Such a config is reported and not applied.
   */
  findProblem: (config: Config, changes: readonly ConfigChange[]) => Promise<string | undefined>;
  /** Puts `config` in force (the next cycle reads it) and re-arms what must be; returns notes for the log line. */
  apply: (config: Config, changes: readonly ConfigChange[]) => string[];
  /** How long a bad content must stay the same before it is told, in ms. Defaults to 300. */
  settleMs?: number;
}

/** Why a read of config.json was not applied: the log line, and the note's longer text when there is one. */
interface Refusal {
  summary: string;
  details?: string;
  /** Logged as an error and told in outbox/: an edit the operator must fix (not a file briefly gone while an editor saves). */
  note: boolean;
}

/** What one read of config.json came to; `key` names the refused content (a hash of the text, or of the read error). */
type Evaluation =
  | { status: "same" }
  | { status: "apply"; text: string; config: Config; changes: ConfigChange[] }
  | { status: "refuse"; key: string; refusal: Refusal };

/** How long a refused content must stay the same before it is told, in ms: longer than an editor's save takes. */
const SETTLE_MS = 300;
/** Reads of a content that keeps changing before the last one is told anyway. */
const MAX_READS = 5;

function hashOf(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Watches over config.json for a running daemon. {@link check} reads it; the caller calls it when the watcher reports
 * the file and before each cycle, so an edit holds from the next cycle even if a watch event was missed.
 */
export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #config: Config;
  #appliedAt: Date;
  /** The text last applied (or found unchanged); a read of the same text does nothing. */
  #appliedText: string | undefined;
  /** Hashes of the refused texts already reported, so each distinct bad content is told once. */
  readonly #reported = new Set<string>();
  #queue: Promise<void> = Promise.resolve();

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#appliedAt = options.clock();
  }

  /** The config in force. */
  get config(): Config {
    return this.#config;
  }

  /** Reads config.json and applies or reports it; calls run one after another. Never rejects: trouble is logged. */
  check(): Promise<void> {
    const next = this.#queue.then(() => this.#checkNow());
    this.#queue = next.catch((error: unknown) =>
      this.#options.logger.error(`reading ${this.#options.paths.config} again failed: ${describeError(error)}`),
    );
    return this.#queue;
  }

  /** Resolves when the checks asked for so far are done (before the daemon releases its lock). */
  settled(): Promise<void> {
    return this.#queue;
  }

  async #checkNow(): Promise<void> {
    let read = await this.#evaluate();
    // A save in progress (an editor truncating, then writing) can read as bad JSON or a missing file: a refusal is told
    // only when a read a moment later finds the same content, and a content already told is not read twice.
    for (let reads = 1; read.status === "refuse" && !this.#reported.has(read.key) && reads < MAX_READS; reads += 1) {
      await delay(this.#options.settleMs ?? SETTLE_MS);
      const again = await this.#evaluate();
      if (again.status === "refuse" && again.key === read.key) break;
      read = again;
    }
    if (read.status === "same") {
      // The file is as it is in force: whatever was refused since is over, and is told again if it comes back.
      this.#reported.clear();
    } else if (read.status === "refuse") await this.#report(read.key, read.refusal);
    else this.#apply(read);
  }

  /** Reads config.json and judges it against the config in force. Throws only for a bug. */
  async #evaluate(): Promise<Evaluation> {
    const { paths } = this.#options;
    let text: string;
    try {
      text = await readFile(paths.config, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? describeError(error);
      const summary = code === "ENOENT" ? `${paths.config} is gone` : `${paths.config} cannot be read (${code})`;
      return { status: "refuse", key: hashOf(code), refusal: { summary, note: code !== "ENOENT" } };
    }
    if (text === this.#appliedText) return { status: "same" };
    const key = hashOf(text);
    const read = parseConfigText(paths.config, text);
    if (read.status === "invalid") {
      const details =
        read.kind === "json"
          ? ["```", ...read.detail.split("\n").slice(1), "```"].join("\n")
          : read.issues.map((issue) => `- ${issue}`).join("\n");
      return { status: "refuse", key, refusal: { summary: read.message, details, note: true } };
    }
    const changes = listConfigChanges(this.#config, read.config);
    const problem = changes.length > 0 ? await this.#options.findProblem(read.config, changes) : undefined;
    if (problem !== undefined) {
      // The log line takes the problem's first line; the note has it whole, with the edit that was refused.
      const [first = "", ...rest] = problem.split("\n");
      const summary = `${paths.config}: ${first}`;
      const details = [...rest, "", `The edit: ${formatConfigChanges(changes)}.`].join("\n").trim();
      return { status: "refuse", key, refusal: { summary, details, note: true } };
    }
    return { status: "apply", text, config: read.config, changes };
  }

  #apply(read: Extract<Evaluation, { status: "apply" }>): void {
    this.#appliedText = read.text;
    this.#reported.clear();
    if (read.changes.length === 0) return;
    const notes = this.#options.apply(read.config, read.changes);
    this.#config = read.config;
    this.#appliedAt = this.#options.clock();
    this.#options.logger.info(`config.json changed: ${[formatConfigChanges(read.changes), ...notes].join("; ")}`);
  }

  /** Logs a refusal at error level and writes it to outbox/, once per distinct `content`. */
  async #report(key: string, refusal: Refusal): Promise<void> {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    const { logger, paths, clock } = this.#options;
    const since = this.#appliedAt.toISOString();
    // A file briefly gone (an editor saving by rename) is a warning; an edit the operator must fix is an error.
    logger[refusal.note ? "error" : "warn"](
      `config.json not applied: ${refusal.summary}; the daemon runs on the config in force since ${since}`,
    );
    if (!refusal.note) return;
    const text = [
      "# config.json was not applied",
      "",
      refusal.summary,
      ...(refusal.details !== undefined && refusal.details.length > 0 ? ["", refusal.details] : []),
      "",
      `The daemon keeps running on the config in force since ${since}. Fix the file and save it:`,
      "it is read again then, and before every cycle. `apprentice doctor` checks it too.",
    ].join("\n");
    const name = await writeOutboxNote(paths.outbox, "config", text, clock());
    logger.info(`told the operator in outbox/${name}`);
  }
}
