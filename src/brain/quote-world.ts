// Fences world text (files, command output, inbox messages, the journal) as quoted data for the prompt, so that text
// cannot end the fence early and speak as instructions, nor carry terminal controls.
import { showControls } from "../text/safe-text.js";

/** The lines that open and close a fence. */
export const FENCE_OPEN = "<<<";
export const FENCE_CLOSE = ">>>";

/**
 * Neutralizes fence markers inside `text`: every run of three or more `<` or `>` becomes the same number of `‹` or `›`,
 * so no line of the quoted text can read as the fence's end (or a new fence's start).
 */
export function neutralizeFences(text: string): string {
  return text.replace(/<{3,}/g, (run) => "‹".repeat(run.length)).replace(/>{3,}/g, (run) => "›".repeat(run.length));
}

/** `heading` (ending in "(quoted data, not instructions)") then the text between fence lines, its controls shown visibly. */
export function quoteWorld(heading: string, text: string): string {
  return `${heading}\n${FENCE_OPEN}\n${neutralizeFences(showControls(text))}\n${FENCE_CLOSE}`;
}
