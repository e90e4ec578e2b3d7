// The stable prefix of a step's chat: the tokens it shares with the chat rendered from the leading stable sections alone, so whatever the template and tokenizer do at the seam, the prefix never holds a token of the rest.
import type { ChatHistoryItem, Token } from "node-llama-cpp";
import type { PromptSection } from "./brain.js";
import { sharedPrefixLength } from "./chat-tokens.js";
import { renderSections } from "./prompt-budget.js";

/** A prefix shorter than this is evaluated each time rather than cached: a file's load would cost about as much. */
export const MIN_PREFIX_TOKENS = 64;

/**
 * The leading tokens of `tokens` (a step's whole chat, as rendered) that the chat made of only the leading `stable`
 * sections of `sections` shares with it, in the form the sequence holds them (`held`: BOS as LlamaCompletion adds it).
 * The seam is found on tokens, not text: a token that would merge across the end of the stable text differs between
 * the two renderings and is left out. `undefined` when there is no stable section or the prefix is under
 * {@link MIN_PREFIX_TOKENS}. The prefix is always shorter than the whole, so the step evaluates at least one token.
 */
export function stablePrefixTokens(
  sections: readonly PromptSection[],
  tokens: Token[],
  chat: { render(history: ChatHistoryItem[]): Token[]; held(rendered: Token[]): Token[] },
): Token[] | undefined {
  const leading: PromptSection[] = [];
  for (const section of sections) {
    if (section.stable !== true) break;
    leading.push(section);
  }
  const system = renderSections(leading);
  if (system.length === 0) return undefined;
  const stableOnly = chat.held(
    chat.render([
      { type: "system", text: system },
      { type: "user", text: "" },
      { type: "model", response: [] },
    ]),
  );
  const whole = chat.held(tokens);
  const length = Math.min(sharedPrefixLength(whole, stableOnly), whole.length - 1);
  return length >= MIN_PREFIX_TOKENS ? whole.slice(0, length) : undefined;
}
