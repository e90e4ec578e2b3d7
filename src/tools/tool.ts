// The tool contract: one object carries a tool's name, its facts, its argument schema built per step, and an execute that reports failure as data, never by throwing.
import type { ObjectSchema } from "./json-schema.js";
import type { SandboxSettings } from "./sandbox-settings.js";

/** What a tool returns. A failure is an outcome fed back to the model and recorded, not an exception. */
export type ToolOutcome =
  | {
      ok: true;
      /** Text shown to the model (already capped by the tool). */
      output: string;
      /** Workspace-relative paths the action read or wrote, for the episode record. */
      touched?: string[];
      /** Set by `finish`: the cycle ends after this step. */
      finish?: { summary: string };
    }
  | {
      ok: false;
      /**
       * One-line reason, shown to the model (on one line, controls escaped) and recorded. Carries no world text beyond
       * names (a command's stderr goes in `output`, fenced as quoted data, and in `detail`).
       */
      error: string;
      /**
       * World text that tells this failure apart from others with the same `error` (a command's first stderr line).
       * Never shown as part of a sentence: it only goes into the failure signature, with `error`.
       */
      detail?: string;
      /** Any partial output (for example stderr of a failed command), capped. */
      output?: string;
      touched?: string[];
    };

/** Limits that tools enforce; they come from config `limits`. */
export interface ToolLimits {
  /** Largest file read or written, in bytes. */
  maxFileBytes: number;
  /** Output kept from a command, in bytes. */
  maxOutputBytes: number;
  /** Wall time for one command. */
  commandTimeoutMs: number;
}

/** Everything a tool may touch. Effects outside the workspace arrive as callbacks from the cycle. */
export interface ToolContext {
  /** Absolute, real (symlink-free) path of the sandbox directory. */
  workspaceDir: string;
  limits: ToolLimits;
  /** Program names `run` may execute. */
  allowCommands: readonly string[];
  /** Absolute folders searched before the safe PATH for allowlisted programs (config `tools.commandDirs`). */
  commandDirs: readonly string[];
  /** Most arguments per program, by name; absent names take the tool's default. */
  commandArgs: Readonly<Record<string, number>>;
  /** How `run` confines a program (config `sandbox`): in bubblewrap, or bare only when the operator opted out. */
  sandbox: SandboxSettings;
  /** Aborted when the step or the cycle times out, or the daemon stops. */
  signal: AbortSignal;
  /** Adds a line to this cycle's journal entry. */
  writeNote(text: string): Promise<void>;
  /** Writes a message file to `outbox/`; returns its file name. */
  sendMessage(text: string): Promise<string>;
  /** One-line description of the board's sensors right now. */
  readSensors(): Promise<string>;
}

/** What the schema builder knows when a step starts: used to turn arguments into enums. */
export interface SchemaView {
  allowCommands: readonly string[];
  /** Most arguments per program, by name (config `tools.commandArgs`). */
  commandArgs: Readonly<Record<string, number>>;
  /** Workspace-relative paths of existing regular files (capped). */
  files: readonly string[];
  /** Workspace-relative paths of existing directories, "." first (capped). */
  dirs: readonly string[];
  limits: ToolLimits;
}

/**
 * How the outcome rules may mask a tool's actions for a goal:
 * - `never`: never masked (`finish`: a turn must always be able to end).
 * - `failures`: masked after two identical failures in the same world, never as "ineffective" (read-only tools:
 *   harmless, and the act loop needs them to look around).
 * - `failures-or-ineffective`: also masked as "ineffective" when it keeps running fine without changing the workspace
 *   while the goal's check fails (see `outcome-rules.ts`).
 */
export type ToolMasking = "never" | "failures" | "failures-or-ineffective";

/**
 * What the rest of the daemon knows about a tool without running it. Every fact is required, so the type checker
 * rejects a tool that leaves one out; the registry derives the effect set, the outcome rules' exemptions, the action
 * keys and the enableable names from these.
 */
export interface ToolFacts {
  /** snake_case name the model emits in `tool`; unique in a registry. */
  readonly name: string;
  /**
   * It can change the workspace (a `run` of an allowlisted program as much as a write). After such a step the act loop
   * scans the workspace and runs the goal's check again; after any other step it reuses both. A tool that writes
   * without saying so here leaves a stale check standing.
   */
  readonly effect: boolean;
  /**
   * Its output is world content (file contents, command output and stderr, sensor text): the act loop fences it as
   * quoted data in the prompt, and what is learned from a step with such output is tainted.
   */
  readonly taint: boolean;
  /**
   * Top-level argument keys that hold free text the model writes (a note's text, a file's content): they never make
   * two actions different, so they are left out of the action key. `[]` when every argument counts.
   */
  readonly freeTextKeys: readonly string[];
  /** How the outcome rules may mask its actions. */
  readonly masking: ToolMasking;
  /** Offered when config `tools.enabled` is not set; `false` makes the tool opt-in (listed there to be offered). */
  readonly enabledByDefault: boolean;
}

/** A tool: its facts, a line for the prompt, its argument schema per step, and what it does. */
export interface Tool extends ToolFacts {
  /** One line for the prompt. */
  readonly description: string;
  /** The argument schema for this step, or `undefined` when the tool cannot be used now (e.g. no files to read). */
  argsSchema(view: SchemaView): ObjectSchema | undefined;
  /** Runs the action. Must not throw for expected failures; returns `{ ok: false }` instead. */
  execute(args: Record<string, unknown>, context: ToolContext): Promise<ToolOutcome>;
}

/**
 * Whether a step's outcome carries world content: the tool's output is world content ({@link ToolFacts.taint}) and
 * this outcome has output (a failure with no output carries only the tool's own one-line reason).
 */
export function outcomeFromWorld(tool: Pick<ToolFacts, "taint">, outcome: ToolOutcome): boolean {
  return tool.taint && outcome.output !== undefined;
}
