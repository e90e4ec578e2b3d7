// One debug line showing how a step's prompt begins and ends as the model sees it, chat template and special tokens included.
import type { LlamaModel, Token } from "node-llama-cpp";

/** How many tokens of each end the line shows: enough for a template's frame (role markers, an empty thought). */
const EDGE_TOKENS = 24;

/**
 * `prompt as the model sees it (N tokens): "<start>" … "<end>"`, both ends detokenized with special tokens as text
 * (`<|im_start|>system`, `<|start_header_id|>`), JSON-quoted so newlines show. A short prompt shows whole.
 */
export function describeRenderedPrompt(model: LlamaModel, tokens: readonly Token[]): string {
  const text = (part: readonly Token[]): string => JSON.stringify(model.detokenize(part, true));
  const whole = tokens.length <= EDGE_TOKENS * 2;
  const shown = whole ? text(tokens) : `${text(tokens.slice(0, EDGE_TOKENS))} … ${text(tokens.slice(-EDGE_TOKENS))}`;
  return `prompt as the model sees it (${tokens.length} tokens): ${shown}`;
}
