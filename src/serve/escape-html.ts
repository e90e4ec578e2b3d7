// HTML escaping for text that came from the state dir (model-written summaries, lesson text): nothing it returns can open a tag, leave an attribute, or reorder or hide the text around it.
import { showControls } from "../text/safe-text.js";

const REPLACEMENTS: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes `& < > " '`, so the result is safe both as element text and inside a quoted attribute value. Controls are
 * written out visibly first (`\x1b`, `\u202e`): a browser ignores ESC, but bidi overrides and zero-width characters
 * would reorder or hide what the page shows, and the page's text may be copied into a terminal.
 */
export function escapeHtml(text: string): string {
  return showControls(text).replace(/[&<>"']/g, (character) => REPLACEMENTS[character] ?? character);
}
