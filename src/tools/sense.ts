// The `sense` tool: reads the board's sensors through the context callback; takes no arguments.
import type { Tool } from "./tool.js";

/** Returns the one-line sensor description; a failing callback becomes a failed outcome. */
export const senseTool: Tool = {
  name: "sense",
  description: "Read the board's sensors (temperature, load, memory) right now.",
  effect: false,
  taint: true,
  freeTextKeys: [],
  masking: "failures",
  enabledByDefault: true,
  argsSchema() {
    return { type: "object", properties: {}, required: [], additionalProperties: false };
  },
  async execute(_args, context) {
    try {
      return { ok: true, output: await context.readSensors() };
    } catch (error) {
      return {
        ok: false,
        error: `could not read the sensors: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  },
};
