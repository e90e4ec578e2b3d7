// The tokens of a chat as the model's chat template renders it, and the input LlamaCompletion takes for them: the brain's decisions and the bench's raw side both evaluate exactly these.
import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from "node-llama-cpp";

/** Renders `history` through `wrapper` and tokenizes it; ending with an empty model turn, the tokens stop where the model's reply begins. */
export function renderChatTokens(wrapper: ChatWrapper, model: LlamaModel, history: ChatHistoryItem[]): Token[] {
  return wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
}

/**
 * `tokens` as LlamaCompletion's input. LlamaCompletion puts the beginning-of-sequence token in front of its input
 * itself when the vocabulary wants one (every kind but RWKV and UGM, when the model asks for a BOS; WPM always), so a
 * leading BOS from the template is dropped in exactly that case rather than evaluated twice.
 */
export function toCompletionInput(model: LlamaModel, tokens: Token[]): Token[] {
  const bos = model.tokens.bos;
  return bos !== null && tokens[0] === bos && completionPrependsBos(model) ? tokens.slice(1) : tokens;
}

/** The tokens a LlamaCompletion sequence holds once it has taken `input` (from {@link toCompletionInput}), before the reply. */
export function heldAfterInput(model: LlamaModel, input: Token[]): Token[] {
  const bos = model.tokens.bos;
  return bos !== null && completionPrependsBos(model) ? [bos, ...input] : input;
}

/** How many leading tokens two token lists share. */
export function sharedPrefixLength<T extends number>(a: readonly T[], b: readonly T[]): number {
  const limit = Math.min(a.length, b.length);
  let shared = 0;
  while (shared < limit && a[shared] === b[shared]) shared++;
  return shared;
}

/** Whether LlamaCompletion prepends the BOS to its input for this model (node-llama-cpp's rule for its input). */
function completionPrependsBos(model: LlamaModel): boolean {
  const vocabulary = String(model.vocabularyType);
  if (vocabulary === "rwkv" || vocabulary === "ugm") return false;
  return vocabulary === "wpm" || model.tokens.shouldPrependBosToken;
}
