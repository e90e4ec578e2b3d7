// The `message_operator` tool: leaves a message for the human in `outbox/` through the context callback.
import type { Tool } from "./tool.js";

/** Longest message accepted, in characters. */
const MAX_MESSAGE_CHARS = 500;

/** Sends a message to the operator; the output names the outbox file written. */
export const messageOperatorTool: Tool = {
  name: "message_operator",
  description: "Leave a short message for the human operator.",
  effect: false,
  taint: false,
  freeTextKeys: ["text"],
  masking: "failures",
  enabledByDefault: true,
  argsSchema() {
    return {
      type: "object",
      properties: { text: { type: "string", minLength: 1, maxLength: MAX_MESSAGE_CHARS } },
      required: ["text"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const text = args.text;
    if (typeof text !== "string") return { ok: false, error: "text must be a string" };
    if (text.length > MAX_MESSAGE_CHARS) {
      return { ok: false, error: `text is longer than ${MAX_MESSAGE_CHARS} characters` };
    }
    let fileName: string;
    try {
      fileName = await context.sendMessage(text);
    } catch (error) {
      return {
        ok: false,
        error: `could not send the message: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    return { ok: true, output: `message written to outbox/${fileName}` };
  },
};
