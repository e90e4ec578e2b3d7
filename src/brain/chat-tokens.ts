// The tokens of a chat as the model's chat template renders it, as input for node-llama-cpp's LlamaCompletion: the brain's decisions and the bench's raw side both evaluate exactly these.
import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from "node-llama-cpp";

/**
 * Renders `history` (ending with an empty model turn, so the tokens stop where the model's reply begins) through
 * `wrapper` and tokenizes it. LlamaCompletion puts the beginning-of-sequence token in front of its input itself when
 * the vocabulary wants one (every kind but RWKV and UGM, when the model asks for a BOS; WPM always), so a leading BOS
 * from the template is dropped in exactly that case rather than evaluated twice.
 */
export function renderChatTokens(wrapper: ChatWrapper, model: LlamaModel, history: ChatHistoryItem[]): Token[] {
  const tokens = wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
  const bos = model.tokens.bos;
  return bos !== null && tokens[0] === bos && completionPrependsBos(model) ? tokens.slice(1) : tokens;
}

/** Whether LlamaCompletion prepends the BOS to its input for this model (node-llama-cpp's rule for its input). */
function completionPrependsBos(model: LlamaModel): boolean {
  const vocabulary = String(model.vocabularyType);
  if (vocabulary === "rwkv" || vocabulary === "ugm") return false;
  return vocabulary === "wpm" || model.tokens.shouldPrependBosToken;
}
