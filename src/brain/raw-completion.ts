// node-llama-cpp's own LlamaCompletion on a model and context like the brain's, for `bench speed` to compare the brain against; not used by the cycle.
import {
  LlamaCompletion,
  resolveChatWrapper,
  type GbnfJsonSchema,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import type { JsonSchema } from "../tools/json-schema.js";
import { renderChatTokens, toCompletionInput } from "./chat-tokens.js";
import { resolveAgentChatWrapper } from "./resolve-agent-chat-wrapper.js";

/** One raw completion: what was evaluated and generated, and when the first token came. */
export interface RawCompletionRun {
  /** Tokens of the input as given. */
  promptTokens: number;
  /** Input tokens evaluated (not reused from the KV cache), from the sequence's token meter. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** Milliseconds from the call until the first generated token arrived; absent when none was generated. */
  firstTokenMs?: number;
  /** Milliseconds of the whole call. */
  totalMs: number;
  stopReason: string;
}

/** Generation settings of one raw run; the same knobs the brain's decide uses. */
export interface RawCompletionOptions {
  /** Constrain decoding with this JSON schema's grammar (as the brain does); omitted for free decoding. */
  schema?: JsonSchema;
  maxTokens: number;
  temperature: number;
  seed?: number;
}

/** A model and one-sequence context for raw completions; `dispose` frees both. */
export interface RawCompletionSession {
  readonly contextSize: number;
  /**
   * The tokens of a system + user chat as the brain's chat template renders it for its first step, ready for the
   * model's reply; a leading BOS is left out because LlamaCompletion prepends it.
   */
  renderChat(system: string, user: string): Token[];
  /** Forgets the KV cache so the next run evaluates its whole input. */
  clearHistory(): Promise<void>;
  complete(input: Token[], options: RawCompletionOptions): Promise<RawCompletionRun>;
  dispose(): Promise<void>;
}

/** Loads the model and a context with exactly these settings (CPU only, mmap, one sequence). */
export async function openRawCompletion(
  llama: Llama,
  options: { modelPath: string; contextSize: number; threads: number },
): Promise<RawCompletionSession> {
  const model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0, useMmap: true });
  try {
    const context = await model.createContext({
      contextSize: Math.min(options.contextSize, model.trainContextSize),
      threads: options.threads,
      sequences: 1,
    });
    return new RawSession(llama, model, context);
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

class RawSession implements RawCompletionSession {
  readonly contextSize: number;
  private readonly sequence: LlamaContextSequence;
  private readonly completion: LlamaCompletion;
  private readonly grammars = new Map<string, LlamaGrammar>();

  constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
  ) {
    this.contextSize = context.contextSize;
    this.sequence = context.getSequence();
    this.completion = new LlamaCompletion({ contextSequence: this.sequence });
  }

  renderChat(system: string, user: string): Token[] {
    const tokens = renderChatTokens(resolveAgentChatWrapper(resolveChatWrapper, this.model), this.model, [
      { type: "system", text: system },
      { type: "user", text: user },
      { type: "model", response: [] },
    ]);
    return toCompletionInput(this.model, tokens);
  }

  async clearHistory(): Promise<void> {
    await this.sequence.clearHistory();
  }

  async complete(input: Token[], options: RawCompletionOptions): Promise<RawCompletionRun> {
    const { sequence } = this;
    const grammar = options.schema !== undefined ? await this.grammarFor(options.schema) : undefined;
    const meterBefore = sequence.tokenMeter.getState();
    const startedAt = performance.now();
    let firstTokenAt: number | undefined;
    const result = await this.completion.generateCompletionWithMeta(input, {
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(grammar !== undefined ? { grammar } : {}),
      onToken: () => {
        firstTokenAt ??= performance.now();
      },
    });
    const totalMs = performance.now() - startedAt;
    const meterAfter = sequence.tokenMeter.getState();
    return {
      promptTokens: input.length,
      evaluatedPromptTokens: meterAfter.usedInputTokens - meterBefore.usedInputTokens,
      generatedTokens: meterAfter.usedOutputTokens - meterBefore.usedOutputTokens,
      ...(firstTokenAt !== undefined ? { firstTokenMs: firstTokenAt - startedAt } : {}),
      totalMs,
      stopReason: result.metadata.stopReason,
    };
  }

  async dispose(): Promise<void> {
    this.completion.dispose({ disposeSequence: true });
    await this.context.dispose();
    await this.model.dispose();
  }

  private async grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (grammar === undefined) {
      grammar = await this.llama.createGrammarForJsonSchema(
        schema as unknown as Readonly<{ const: string }> & GbnfJsonSchema,
      );
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}
