// The `note` tool: adds one line to this cycle's journal entry through the context callback.
import type { Tool } from "./tool.js";

/** Longest note accepted, in characters. */
const MAX_NOTE_CHARS = 300;

/** Records a line in the journal; a failing callback becomes a failed outcome. */
export const noteTool: Tool = {
  name: "note",
  description: "Write a short note into this cycle's journal entry.",
  effect: false,
  taint: false,
  freeTextKeys: ["text"],
  masking: "failures",
  enabledByDefault: true,
  argsSchema() {
    return {
      type: "object",
      properties: { text: { type: "string", minLength: 1, maxLength: MAX_NOTE_CHARS } },
      required: ["text"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const text = args.text;
    if (typeof text !== "string") return { ok: false, error: "text must be a string" };
    if (text.length > MAX_NOTE_CHARS) return { ok: false, error: `text is longer than ${MAX_NOTE_CHARS} characters` };
    try {
      await context.writeNote(text);
    } catch (error) {
      return {
        ok: false,
        error: `could not write the note: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    return { ok: true, output: "noted" };
  },
};
