// Splits a step's prompt tokens into its parts (each system section as rendered, the earlier turns, the request, the chat template's frame); the parts always add up to the prompt's tokens.
import type { ChatHistoryItem } from "node-llama-cpp";
import type { PromptSection, PromptTokenParts } from "./brain.js";
import { renderSections } from "./prompt-budget.js";

/** Distinct texts whose counts a counter keeps; past this it starts over, so a long-lived session stays small. */
const MAX_CACHED_TEXTS = 512;

/**
 * Counts the parts of a prompt with the model's tokenizer. The system sections and the earlier turns repeat from step
 * to step of a cycle, so each distinct text is tokenized once and its count kept: a step after the first tokenizes
 * only its new request and the reply before it.
 */
export class SectionTokenCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly countTokens: (text: string) => number) {}

  /** Tokens of `text` alone, from the cache when this counter has counted it before. */
  count(text: string): number {
    if (text.length === 0) return 0;
    const known = this.counts.get(text);
    if (known !== undefined) return known;
    if (this.counts.size >= MAX_CACHED_TEXTS) this.counts.clear();
    const tokens = this.countTokens(text);
    this.counts.set(text, tokens);
    return tokens;
  }

  /**
   * The parts of a prompt of `promptTokens` tokens rendered from `sections` (as fitted: cut sections hold their cut
   * text) and `history`: the system item, then the earlier turns (user and model items), then this step's request and
   * the empty model turn the reply goes into. Each section is counted as {@link renderSections} renders it alone;
   * `frame` takes what the parts alone do not count.
   */
  split(
    sections: readonly PromptSection[],
    history: readonly ChatHistoryItem[],
    promptTokens: number,
  ): PromptTokenParts {
    const counted = sections
      .filter((section) => section.text.trim().length > 0)
      .map((section) => ({ id: section.id, tokens: this.count(renderSections([section])) }));
    const requestIndex = history.length - 2;
    let turns = 0;
    let request = 0;
    history.forEach((item, index) => {
      if (index === 0 || index > requestIndex) return;
      const tokens = this.count(itemText(item));
      if (index === requestIndex) request = tokens;
      else turns += tokens;
    });
    const sectionTokens = counted.reduce((sum, section) => sum + section.tokens, 0);
    return { sections: counted, turns, request, frame: promptTokens - sectionTokens - turns - request };
  }
}

/** The text of a user or model item of the chat (a model item's text parts joined); a system item counts in `split`. */
function itemText(item: ChatHistoryItem): string {
  if (item.type === "user") return item.text;
  if (item.type === "model") return item.response.filter((part): part is string => typeof part === "string").join("");
  return "";
}
