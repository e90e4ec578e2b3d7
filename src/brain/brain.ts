// The brain contract: load a model for one cycle, decide one JSON action per step, dispose. Model trouble is data, never a throw.
import type { GgufInspection } from "./model-inspect.js";
import type { JsonSchema } from "../tools/json-schema.js";

/** One titled block of the system prompt. Sections are measured and cut with the model's own tokenizer. */
export interface PromptSection {
  /** Stable id, e.g. `charter`, `goals`, `inbox`. */
  id: string;
  /** Heading shown to the model. */
  title: string;
  text: string;
  /** Share of the system budget this section may use before others are served, 0–1. */
  share: number;
  /** Text from the world or the operator's inbox: rendered inside a quoted block, never as instructions. */
  quoted?: boolean;
  /**
   * Changes rarely from cycle to cycle (the charter, the tools, skills, lessons, the goals), or mostly by growing at
   * its end (the journal, between the moves of its window). The leading run of stable sections makes the prompt's
   * cached prefix, whose evaluated state the brain keeps across cycles.
   */
  stable?: boolean;
  /** When the section must be cut to fit, its start is cut rather than its end (the journal keeps its newest entries). */
  keepEnd?: boolean;
  /**
   * The fitting tier, ascending in prompt order: tier by tier, each section gets its share, and what a tier leaves
   * unused goes on to the later tiers, never back, so how much of a section is kept never depends on the sections of
   * later tiers. Default: 0 for a `stable` section, 2 for the others.
   */
  tier?: number;
}

/**
 * One earlier step of this cycle: the request that preceded it and what the model emitted.
 * Requests are kept verbatim so the chat prefix stays identical from step to step and the KV cache carries it.
 */
export interface PromptTurn {
  request: string;
  action: string;
}

/** Everything the model sees for one decision. */
export interface Prompt {
  sections: PromptSection[];
  turns: PromptTurn[];
  /** This step's request: the last outcome and what to do now. */
  request: string;
}

/** An action the model chose; `tool` and `args` are validated against the step's schema. */
export interface Action {
  thought: string;
  /** Lesson ids the model says it followed; the cycle's outcome updates their counts. */
  cite?: string[];
  tool: string;
  args: Record<string, unknown>;
}

/** Token and time accounting for one decision. */
export interface DecisionUsage {
  /** Tokens of the whole prompt as the model sees it (template included). */
  promptTokens: number;
  /** Prompt tokens that had to be evaluated (not reused from the KV cache). */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  durationMs: number;
  /**
   * Milliseconds from the start of the decision until the model's first generated token arrived: building the prompt,
   * evaluating it and sampling one token. Absent when nothing was generated.
   */
  firstTokenMs?: number;
  /** Earlier steps left out to stay within the context. */
  droppedSteps: number;
  /** Section ids that were cut to fit their budget. */
  cutSections: string[];
  /** This step's prompt tokens by part; they add up to `promptTokens`. Absent from a brain that does not count them. */
  promptParts?: PromptTokenParts;
  /** The context the step ran in, in tokens. */
  contextSize?: number;
  /** Milliseconds this step spent counting `promptParts` (the cost of the split, not of the prompt). */
  promptPartsMs?: number;
  /** What the prefix cache did at this decision; absent when it did not act (off, or not the sequence's start). */
  prefixCache?: PrefixCacheUse;
}

/**
 * A prompt's tokens split into its parts, counted with the model's tokenizer: each system section as rendered (heading
 * and fence included; an empty section is not rendered and not listed), the earlier steps' requests and replies, this
 * step's request, and the frame: the chat template's own tokens and the joins between the parts, which is
 * `promptTokens` minus the rest, so the parts always add up to the whole.
 */
export interface PromptTokenParts {
  /** System sections in prompt order, by section id. */
  sections: Array<{ id: string; tokens: number }>;
  /** The earlier steps of the cycle kept in the prompt: their requests and the model's replies. */
  turns: number;
  /** This step's request (the last outcome and what to do now). */
  request: number;
  frame: number;
}

/** What the prefix state cache did at a decision that started on an empty sequence. */
export interface PrefixCacheUse {
  /**
   * `hit`: a saved state held the whole prefix and was loaded; `extended`: a saved state held its first
   * `loadedTokens`, which were loaded, the rest evaluated and the whole saved; `written`: no saved state shared enough,
   * so the prefix was evaluated and its state saved; `over-cap`: the prefix is evaluated each cycle, its state being
   * larger than the cache's byte cap; `failed`: the prefix was evaluated but its state could not be saved.
   */
  outcome: "hit" | "extended" | "written" | "over-cap" | "failed";
  /** Tokens of the cached prefix. */
  prefixTokens: number;
  /** Tokens of the prefix that came from a state file (a hit or an extension). */
  loadedTokens?: number;
  /** Bytes of the state file (loaded, or written when one was). */
  stateFileBytes?: number;
  /** Time to verify and load the state file (a hit or an extension). */
  loadMs?: number;
  /** Time to evaluate the whole prefix (nothing loaded). */
  prefixEvalMs?: number;
  /** Time to evaluate the prefix past what was loaded (an extension). */
  extendEvalMs?: number;
  /** Time to save and hash the state file (a write). */
  saveMs?: number;
  /** Why a file found in the cache was not trusted (it was removed). */
  rejected?: string;
}

export type Decision =
  | {
      ok: true;
      action: Action;
      raw: string;
      usage: DecisionUsage;
      /** a free-text field overshot its maxLength and was cut */ clamped: boolean;
    }
  | {
      ok: false;
      reason: "invalid-output" | "timeout" | "aborted" | "model-error";
      /** What went wrong, in the harness's own words. */
      detail: string;
      /**
       * The part of the reply the refusal is about (a tool name, the parser's or the schema checker's message, which
       * quote the reply): the model's text, steered by whatever it read, so it is quoted wherever it goes.
       */
      quoted?: string;
      raw?: string;
      usage?: DecisionUsage;
    };

/** Options for one cycle's model. */
export interface OpenOptions {
  modelPath: string;
  /** Context window in tokens; capped at the model's trained context. */
  contextSize: number;
  threads: number;
  temperature: number;
  seed?: number;
  maxTokensPerStep: number;
  /** Where and how much to cache the evaluated state of the prompt's stable sections across cycles; absent means no cache. */
  prefixCache?: { dir: string; maxBytes: number };
}

/** Memory the model and its context are expected to need, from the GGUF's metadata. */
export interface MemoryEstimate {
  modelBytes: number;
  contextBytes: number;
  totalBytes: number;
  /** The context size the estimate is for (after capping to the trained context). */
  contextSize: number;
  /** `general.name` from the GGUF, when present. */
  modelName?: string;
}

export type EstimateResult = { ok: true; estimate: MemoryEstimate } | { ok: false; reason: string };
export type OpenResult = { ok: true; session: BrainSession } | { ok: false; reason: string };

/** A loaded model for the length of one cycle. */
export interface BrainSession {
  /** The context actually created, in tokens. */
  readonly contextSize: number;
  /** Counts tokens with the model's own tokenizer. */
  countTokens(text: string): number;
  /** Contract: never throws for model trouble; returns `{ ok: false, reason }`. */
  decide(prompt: Prompt, schema: JsonSchema, signal?: AbortSignal): Promise<Decision>;
  /**
   * One free-form JSON answer constrained by `schema` (used for reflection). Contract: never throws for model trouble.
   */
  generateJson(
    prompt: Prompt,
    schema: JsonSchema,
    signal?: AbortSignal,
  ): Promise<{ ok: true; value: unknown } | { ok: false; detail: string }>;
  /** Frees the context and the model. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Loads models. `signal` is the cycle's deadline (and stop): a brain that can enforce it (WorkerBrain, by killing its
 * model process) fails an estimate or a load in flight when it aborts, and ends an open session with it. A brain that
 * runs the model in the caller's own thread (LlamaBrain) cannot interrupt work that blocks that thread, such as a
 * chat template being rendered, and ignores it.
 */
export interface Brain {
  /** Reads the GGUF header and estimates memory without loading weights. */
  estimate(modelPath: string, contextSize: number, signal?: AbortSignal): Promise<EstimateResult>;
  /**
   * Reads the GGUF's header and checks the file holds the tensor data it promises (`inspectGgufFile`), so a cycle can
   * say precisely what is wrong with the file. `undefined` when it could not look. A brain without it (a scripted one)
   * has the file's presence checked only.
   */
  inspectModelFile?(modelPath: string, signal?: AbortSignal): Promise<GgufInspection | undefined>;
  /** Loads the model (weights, context, chat template) for one cycle. */
  open(options: OpenOptions, signal?: AbortSignal): Promise<OpenResult>;
}
