// The node-llama-cpp brain: CPU load with explicit threads and context, grammar-constrained decisions, dispose per cycle.
import { access, constants } from "node:fs/promises";
import type * as NodeLlamaCppModule from "node-llama-cpp";
import type {
  ChatHistoryItem,
  ChatWrapper,
  GbnfJsonSchema,
  Llama,
  LlamaCompletion,
  LlamaCompletionGenerationOptions,
  LlamaCompletionResponse,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
  TokenBias,
} from "node-llama-cpp";
import type { Logger } from "../log.js";
import type { JsonSchema } from "../tools/json-schema.js";
import type {
  Brain,
  BrainSession,
  Decision,
  DecisionUsage,
  EstimateResult,
  OpenOptions,
  OpenResult,
  Prompt,
  PromptTokenParts,
  PrefixCacheUse,
  PromptSection,
} from "./brain.js";
import { heldAfterInput, renderChatTokens, sharedPrefixLength, toCompletionInput } from "./chat-tokens.js";
import { resolveAgentChatWrapper } from "./resolve-agent-chat-wrapper.js";
import { describeRenderedPrompt } from "./describe-rendered-prompt.js";
import { clampStrings } from "./clamp-strings.js";
import { parseDecision } from "./parse-decision.js";
import { cutToTokens, fitSections, renderSections } from "./prompt-budget.js";
import type { RawCompletionSession } from "./raw-completion.js";
import { SectionTokenCounter } from "./section-tokens.js";
import { describeError } from "../text/describe-error.js";
import { loadLlamaBinding } from "./llama-binding.js";
import { stablePrefixTokens } from "./stable-prefix.js";
import { cacheSetupHash, restoreOrSavePrefix } from "./prefix-cache.js";

/**
 * node-llama-cpp, imported on first use: its JavaScript alone is large (see docs/PERFORMANCE.md, "Modules imported on
 * first use"), and a process that never runs the model never needs it.
 */
type NodeLlamaCpp = typeof NodeLlamaCppModule;
let nodeLlamaCpp: Promise<NodeLlamaCpp> | undefined;
function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  nodeLlamaCpp ??= import("node-llama-cpp");
  return nodeLlamaCpp;
}

/** Share of the context (after the generation reserve) that the system sections may take; the rest holds this cycle's steps. */
export const SYSTEM_BUDGET_SHARE = 0.6;

/** Loads the native binding once per process (it cannot be unloaded) and a model once per cycle. */
export class LlamaBrain implements Brain {
  constructor(private readonly logger: Logger) {}

  /** The process's llama.cpp binding ({@link loadLlamaBinding}), its native log lines going to this brain's logger. */
  private loadBinding(): Promise<Llama> {
    return loadLlamaBinding(this.logger);
  }

  /**
   * Loads the native binding now rather than at the first model load, in this process (it can never be unloaded).
   * The model process (brain-worker) runs it for the daemon's check at start.
   */
  async preload(): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.loadBinding();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: describeError(error) };
    }
  }

  async estimate(modelPath: string, contextSize: number): Promise<EstimateResult> {
    try {
      await access(modelPath, constants.R_OK);
    } catch (error) {
      return { ok: false, reason: `model file ${modelPath} is not readable: ${describeError(error)}` };
    }
    let llama: Llama;
    try {
      llama = await this.loadBinding();
    } catch (error) {
      return { ok: false, reason: describeError(error) };
    }
    try {
      const { GgufInsights, readGgufFileInfo } = await importNodeLlamaCpp();
      const info = await readGgufFileInfo(modelPath, { logWarnings: false });
      // Given the process's binding: without one, GgufInsights makes its own Llama, and native lines escape the logger.
      const insights = await GgufInsights.from(info, llama);
      const effectiveContext = Math.min(contextSize, insights.trainContextSize ?? contextSize);
      const model = insights.estimateModelResourceRequirements({ gpuLayers: 0 });
      const context = insights.estimateContextResourceRequirements({
        contextSize: effectiveContext,
        modelGpuLayers: 0,
      });
      const name = info.metadata?.general?.name;
      return {
        ok: true,
        estimate: {
          modelBytes: model.cpuRam,
          contextBytes: context.cpuRam,
          totalBytes: model.cpuRam + context.cpuRam,
          contextSize: effectiveContext,
          ...(typeof name === "string" ? { modelName: name } : {}),
        },
      };
    } catch (error) {
      return { ok: false, reason: `${modelPath} is not a usable GGUF file: ${describeError(error)}` };
    }
  }

  /** node-llama-cpp's plain LlamaCompletion on this binding, for `bench speed` to compare against; throws on load trouble. */
  async openRawCompletion(options: {
    modelPath: string;
    contextSize: number;
    threads: number;
  }): Promise<RawCompletionSession> {
    const { openRawCompletion } = await import("./raw-completion.js");
    return openRawCompletion(await this.loadBinding(), options);
  }

  async open(options: OpenOptions): Promise<OpenResult> {
    let llama: Llama;
    try {
      llama = await this.loadBinding();
    } catch (error) {
      return { ok: false, reason: describeError(error) };
    }
    let model: LlamaModel | undefined;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0, useMmap: true });
      const contextSize = Math.min(options.contextSize, model.trainContextSize);
      const context = await model.createContext({ contextSize, threads: options.threads, sequences: 1 });
      return {
        ok: true,
        session: new LlamaBrainSession(await importNodeLlamaCpp(), llama, model, context, options, this.logger),
      };
    } catch (error) {
      await model?.dispose();
      return { ok: false, reason: `could not load ${options.modelPath}: ${describeError(error)}` };
    }
  }
}

/**
 * Completion options that keep node-llama-cpp from shifting the context. {@link LlamaBrainSession.buildHistory} already
 * fits the prompt and a whole reply into the context; LlamaCompletion's own shift would instead keep only the tail of
 * an input longer than 90% of the context, cutting the charter and lessons off its front.
 */
const NO_CONTEXT_SHIFT = { contextShiftSize: 1, disableContextShift: true } as const;

/**
 * One cycle's loaded model and context. A step's chat is rendered through the model's chat template and completed
 * with LlamaCompletion, which keeps the longest common prefix of the sequence's tokens (the earlier steps), evaluates
 * the rest and samples under the step's grammar. LlamaChat would do the same with more work per generated token
 * (stop-text, segment and function-call detection the grammar makes moot), so it generates more slowly (see
 * docs/PERFORMANCE.md, "LlamaCompletion, not LlamaChat"). `bench speed` compares the brain against raw LlamaCompletion.
 */
class LlamaBrainSession implements BrainSession {
  readonly contextSize: number;
  private readonly sequence: LlamaContextSequence;
  private readonly completion: LlamaCompletion;
  private readonly chatWrapper: ChatWrapper;
  private readonly grammars = new Map<string, LlamaGrammar>();
  private readonly tokenBias: TokenBias | undefined;
  private disposed = false;
  /** Aborted by {@link dispose}, so a generation in flight ends before the sequence goes. */
  private readonly unloading = new AbortController();
  /** The latest generation, as a promise that settles with it and never rejects; `undefined` before the first. */
  private inFlight: Promise<void> | undefined;
  /** Counts each step's prompt by part, each distinct text once. */
  private readonly parts = new SectionTokenCounter((text) => this.countTokens(text));

  constructor(
    library: NodeLlamaCpp,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly options: OpenOptions,
    private readonly logger: Logger,
  ) {
    this.contextSize = context.contextSize;
    this.sequence = context.getSequence();
    this.completion = new library.LlamaCompletion({ contextSequence: this.sequence });
    this.chatWrapper = resolveAgentChatWrapper(library.resolveChatWrapper, model);
    this.tokenBias = canonicalTokenBias(library, model);
  }

  countTokens(text: string): number {
    return this.model.tokenize(text, false).length;
  }

  /** Tokens of a whole chat as this model's chat template renders it. */
  private historyTokens(history: ChatHistoryItem[]): Token[] {
    return renderChatTokens(this.chatWrapper, this.model, history);
  }

  /**
   * Completes `tokens` with the session's sampling settings and no context shift. The run is tracked, and it also
   * ends when the session is disposed, so {@link dispose} can wait for it.
   */
  private complete(
    tokens: Token[],
    options: Pick<LlamaCompletionGenerationOptions, "grammar" | "seed" | "onToken">,
    signal: AbortSignal | undefined,
    prefix?: Token[],
  ): Promise<LlamaCompletionResponse & { prefixCache?: PrefixCacheUse }> {
    const run = (async () => {
      if (this.disposed) throw new Error("the model was already unloaded");
      const input = await this.completionInput(tokens);
      const prefixCache = await this.restorePrefix(prefix);
      const response = await this.completion.generateCompletionWithMeta(input, {
        ...options,
        maxTokens: this.options.maxTokensPerStep,
        temperature: this.options.temperature,
        signal: signal === undefined ? this.unloading.signal : AbortSignal.any([signal, this.unloading.signal]),
        stopOnAbortSignal: false,
        ...NO_CONTEXT_SHIFT,
        ...(this.tokenBias !== undefined ? { tokenBias: this.tokenBias } : {}),
      });
      return { ...response, ...(prefixCache !== undefined ? { prefixCache } : {}) };
    })();
    this.inFlight = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * The input for LlamaCompletion, after clearing the sequence when the input shares almost nothing (under 5%) with
   * what it holds. LlamaCompletion keeps the shared prefix and erases the rest of the sequence's cells, and evaluation
   * after such an erase is slow (see docs/PERFORMANCE.md, "Clearing the sequence for a prompt that starts over").
   * Clearing costs the shared tokens' re-evaluation, so it is done only when they are few. Steps of one cycle share their whole earlier
   * prompt, and a step that drops earlier steps still shares the system part: both keep it. A prompt that starts over
   * (the reflection after a failed step) clears.
   */
  private async completionInput(tokens: Token[]): Promise<Token[]> {
    const input = toCompletionInput(this.model, tokens);
    const held = this.sequence.contextTokens;
    if (held.length > 0 && sharedPrefixLength(held, heldAfterInput(this.model, input)) * 20 < held.length)
      await this.sequence.clearHistory();
    return input;
  }

  /**
   * On an empty sequence, with the cache on, loads the saved state sharing most of the cached prefix, evaluates the
   * rest of the prefix and saves it when it changed (src/brain/prefix-cache.ts); LlamaCompletion then keeps it as the
   * common prefix. `undefined` when it did not act.
   */
  private async restorePrefix(prefix: Token[] | undefined): Promise<PrefixCacheUse | undefined> {
    const cache = this.options.prefixCache;
    if (cache === undefined || prefix === undefined || this.sequence.contextTokens.length > 0) return undefined;
    const setup = {
      modelPath: this.options.modelPath,
      contextSize: this.contextSize,
      batchSize: this.context.batchSize,
      runtime: this.llama.llamaCppRelease.release,
    };
    return restoreOrSavePrefix(this.sequence, prefix, await cacheSetupHash(setup), cache);
  }

  private async grammarFor(schema: JsonSchema): Promise<LlamaGrammar & { parse(json: string): unknown }> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (grammar === undefined) {
      // The schema is built at run time, so node-llama-cpp's compile-time schema typing cannot follow it.
      grammar = await this.llama.createGrammarForJsonSchema(
        schema as unknown as Readonly<{ const: string }> & GbnfJsonSchema,
      );
      this.grammars.set(key, grammar);
    }
    return grammar as LlamaGrammar & { parse(json: string): unknown };
  }

  /** Builds the chat for this step, dropping the oldest turns until prompt plus generation fits the context. */
  private buildHistory(prompt: Prompt): {
    tokens: Token[];
    promptTokens: number;
    droppedSteps: number;
    cutSections: string[];
    promptParts: PromptTokenParts;
    promptPartsMs: number;
    /** The tokens of the stable sections' prefix, when the cache is on and the sequence is empty. */
    stablePrefix?: Token[];
  } {
    const reserve = this.options.maxTokensPerStep;
    const systemBudget = Math.floor((this.contextSize - reserve) * SYSTEM_BUDGET_SHARE);
    const fitted = fitSections(prompt.sections, systemBudget, (text) => this.countTokens(text));
    const system = renderSections(fitted.sections);
    // A huge outcome (a long file, say) is cut rather than allowed to push the prompt past the context.
    const frame = this.historyTokens([
      { type: "system", text: system },
      { type: "user", text: "" },
      { type: "model", response: [] },
    ]).length;
    const noteTokens = this.countTokens(omittedStepsNote(prompt.turns.length));
    const request = cutToTokens(prompt.request, this.contextSize - reserve - frame - noteTokens - 16, (text) =>
      this.countTokens(text),
    );
    for (let dropped = 0; dropped <= prompt.turns.length; dropped++) {
      const kept = prompt.turns.slice(dropped);
      const history: ChatHistoryItem[] = [{ type: "system", text: system }];
      kept.forEach((turn, index) => {
        const omitted = index === 0 && dropped > 0 ? omittedStepsNote(dropped) : "";
        history.push({ type: "user", text: omitted + turn.request });
        history.push({ type: "model", response: [turn.action] });
      });
      const omitted = kept.length === 0 && dropped > 0 ? omittedStepsNote(dropped) : "";
      history.push({ type: "user", text: omitted + request });
      history.push({ type: "model", response: [] });
      const tokens = this.historyTokens(history);
      if (tokens.length + reserve <= this.contextSize) {
        const partsStartedAt = performance.now();
        const promptParts = this.parts.split(fitted.sections, history, tokens.length);
        const promptPartsMs = performance.now() - partsStartedAt;
        const stablePrefix = this.stablePrefix(fitted.sections, tokens);
        return {
          tokens,
          promptTokens: tokens.length,
          droppedSteps: dropped,
          cutSections: fitted.cutSections,
          promptParts,
          promptPartsMs,
          ...(stablePrefix !== undefined ? { stablePrefix } : {}),
        };
      }
    }
    // The system part and the request are both cut to fit above, so this is a broken invariant.
    throw new Error(`prompt does not fit a ${this.contextSize}-token context even with every earlier step dropped`);
  }

  /** {@link stablePrefixTokens} of this step's chat, computed only where the cache can act: on, on an empty sequence. */
  private stablePrefix(sections: readonly PromptSection[], tokens: Token[]): Token[] | undefined {
    if (this.options.prefixCache === undefined || this.sequence.contextTokens.length > 0) return undefined;
    return stablePrefixTokens(sections, tokens, {
      render: (history) => this.historyTokens(history),
      held: (rendered) => heldAfterInput(this.model, toCompletionInput(this.model, rendered)),
    });
  }

  async decide(prompt: Prompt, schema: JsonSchema, signal?: AbortSignal): Promise<Decision> {
    if (this.disposed) return { ok: false, reason: "model-error", detail: "the model was already unloaded" };
    const startedAt = performance.now();
    const sequence = this.sequence;
    const meterBefore = sequence.tokenMeter.getState();
    let usage: DecisionUsage | undefined;
    let firstTokenAt: number | undefined;
    const measure = (
      built: ReturnType<LlamaBrainSession["buildHistory"]>,
      prefixCache: PrefixCacheUse | undefined,
    ): DecisionUsage => {
      const meterAfter = sequence.tokenMeter.getState();
      return {
        promptTokens: built.promptTokens,
        evaluatedPromptTokens: meterAfter.usedInputTokens - meterBefore.usedInputTokens,
        generatedTokens: meterAfter.usedOutputTokens - meterBefore.usedOutputTokens,
        durationMs: Math.round(performance.now() - startedAt),
        ...(firstTokenAt !== undefined ? { firstTokenMs: firstTokenAt - startedAt } : {}),
        droppedSteps: built.droppedSteps,
        cutSections: built.cutSections,
        promptParts: built.promptParts,
        contextSize: this.contextSize,
        promptPartsMs: Math.round(built.promptPartsMs * 1000) / 1000,
        ...(prefixCache !== undefined ? { prefixCache } : {}),
      };
    };
    let raw: string;
    let grammar: LlamaGrammar & { parse(json: string): unknown };
    try {
      const built = this.buildHistory(prompt);
      this.logger.debug(describeRenderedPrompt(this.model, built.tokens));
      grammar = await this.grammarFor(schema);
      const response = await this.complete(
        built.tokens,
        {
          grammar,
          ...(this.options.seed !== undefined ? { seed: this.options.seed + prompt.turns.length } : {}),
          onToken: () => {
            firstTokenAt ??= performance.now();
          },
        },
        signal,
        built.stablePrefix,
      );
      usage = measure(built, response.prefixCache);
      raw = response.response;
      if (response.metadata.stopReason === "maxTokens") {
        return {
          ok: false,
          reason: "invalid-output",
          detail: `output cut off at ${this.options.maxTokensPerStep} tokens`,
          raw,
          usage,
        };
      }
    } catch (error) {
      if (signal?.aborted) {
        const timedOut = signal.reason instanceof DOMException && signal.reason.name === "TimeoutError";
        return { ok: false, reason: timedOut ? "timeout" : "aborted", detail: describeError(signal.reason ?? error) };
      }
      this.logger.warn(`decision failed: ${describeError(error)}`);
      return { ok: false, reason: "model-error", detail: describeError(error) };
    }
    return parseDecision(raw, schema, grammar, usage);
  }

  async generateJson(
    prompt: Prompt,
    schema: JsonSchema,
    signal?: AbortSignal,
  ): Promise<{ ok: true; value: unknown } | { ok: false; detail: string }> {
    if (this.disposed) return { ok: false, detail: "the model was already unloaded" };
    try {
      const built = this.buildHistory(prompt);
      const grammar = await this.grammarFor(schema);
      const response = await this.complete(
        built.tokens,
        {
          grammar,
          ...(this.options.seed !== undefined ? { seed: this.options.seed + 1000 + prompt.turns.length } : {}),
        },
        signal,
        built.stablePrefix,
      );
      const { value } = clampStrings(JSON.parse(response.response), schema);
      return { ok: true, value: grammar.parse(JSON.stringify(value)) };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  }

  /**
   * Ends a generation in flight, then frees the model. node-llama-cpp throws from inside its decoding loop, where no
   * caller can catch it, when the sequence is disposed under a running LlamaCompletion, and that ends the model
   * process with a stack trace (a daemon killed mid-step does it); so the generation is aborted and awaited first.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.unloading.abort(new Error("the model is being unloaded"));
    await this.inFlight;
    this.completion.dispose({ disposeSequence: true });
    await this.context.dispose();
    await this.model.dispose();
  }
}

/**
 * Bans byte-fallback tokens (`<0x41>`) whose text the next step's prompt cannot hold as the same tokens:
 * - printable ASCII characters that the vocabulary also holds as ordinary tokens (`A`): the model writes the same
 *   text, but the next prompt tokenizes it to the ordinary form;
 * - bytes that never occur in UTF-8 (0xC0, 0xC1, 0xF5–0xFF), and 0xF4: llama.cpp's grammar reads any 0xF_ byte as
 *   the start of a four-byte sequence, so a model (the random-weights test model does) can emit, say,
 *   0xFA 0xAD 0x95 0x83 inside a JSON string; the reply then decodes to U+FFFD replacement characters, which tokenize
 *   differently. 0xF4 starts only U+100000–U+10FFFF (the last private-use plane) and, more often, sequences past
 *   U+10FFFF, so it goes too.
 *
 * Either way the KV cache no longer matches from that reply on, and the whole reply (70–90 tokens) is evaluated again
 * at the next step. Valid UTF-8 lead and continuation bytes stay allowed: for a character the vocabulary lacks (an
 * emoji, say) the byte tokens are the canonical form, and the grammar already refuses a stray continuation byte.
 *
 * Only SentencePiece (`spm`) vocabularies (Llama 2, Mistral, Gemma, the test model) have byte-fallback tokens.
 * Byte-level BPE vocabularies (`bpe`: Qwen, Llama 3, SmolLM2) have none: llama.cpp describes SPM as "byte-level BPE
 * with byte fallback" and BPE as the "GPT-2 tokenizer based on byte-level BPE", whose 256 single bytes are ordinary
 * vocabulary entries (GPT-2's byte-to-unicode mapping), never `<0xXX>` tokens. For them nothing is banned.
 */
export function canonicalTokenBias(library: NodeLlamaCpp, model: LlamaModel): TokenBias | undefined {
  if (model.vocabularyType !== library.LlamaVocabularyType.spm) return undefined;
  const vocabulary = model.fileInfo.metadata?.tokenizer?.ggml?.tokens;
  if (!Array.isArray(vocabulary)) return undefined;
  const banned = bannedByteFallbackTokens(vocabulary);
  if (banned.length === 0) return undefined;
  const bias = new library.TokenBias(model.tokenizer);
  for (const id of banned) bias.set(id as Token, "never");
  return bias;
}

/** Ids of the byte-fallback tokens {@link canonicalTokenBias} bans, from a SentencePiece vocabulary's token texts. */
export function bannedByteFallbackTokens(vocabulary: readonly string[]): number[] {
  const ordinary = new Set(vocabulary.map((text) => (text === "\u2581" ? " " : text)));
  const banned: number[] = [];
  vocabulary.forEach((text, id) => {
    const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
    if (match === null) return;
    const byte = Number.parseInt(match[1] as string, 16);
    const printableWithOrdinaryToken = byte >= 0x20 && byte <= 0x7e && ordinary.has(String.fromCharCode(byte));
    const neverInUtf8 = byte === 0xc0 || byte === 0xc1 || byte >= 0xf4;
    if (printableWithOrdinaryToken || neverInUtf8) banned.push(id);
  });
  return banned;
}

function omittedStepsNote(count: number): string {
  return `(${count} earlier steps omitted to fit the context)\n`;
}
