// The `finish` tool: ends the cycle with a short summary; it has no effects of its own.
import type { Tool } from "./tool.js";

/** Longest summary accepted, in characters. */
const MAX_SUMMARY_CHARS = 160;

/** Ends the cycle after this step; the summary goes to the journal via the outcome's `finish`. */
export const finishTool: Tool = {
  name: "finish",
  description: "End this cycle with a one-line summary of what was done.",
  effect: false,
  taint: false,
  freeTextKeys: ["summary"],
  masking: "never",
  enabledByDefault: true,
  argsSchema() {
    return {
      type: "object",
      properties: { summary: { type: "string", minLength: 1, maxLength: MAX_SUMMARY_CHARS } },
      required: ["summary"],
      additionalProperties: false,
    };
  },
  async execute(args) {
    const summary = args.summary;
    if (typeof summary !== "string") return { ok: false, error: "summary must be a string" };
    if (summary.length > MAX_SUMMARY_CHARS) {
      return { ok: false, error: `summary is longer than ${MAX_SUMMARY_CHARS} characters` };
    }
    return { ok: true, output: "cycle finished", finish: { summary } };
  },
};
