// Reads a step's grammar as a test sees it: which commands the `run` branch offers.
import type { JsonSchema } from "../../src/tools/json-schema.js";

/** The commands a step's action schema offers to `run`, in order; none when `run` is not offered. */
export function runEnum(schema: JsonSchema | undefined): string[] {
  const branches = schema !== undefined && "oneOf" in schema ? schema.oneOf : schema !== undefined ? [schema] : [];
  for (const branch of branches) {
    if ("type" in branch && branch.type === "object" && "const" in (branch.properties.tool ?? {})) {
      const tool = branch.properties.tool as { const: string };
      const args = branch.properties.args;
      if (tool.const === "run" && args !== undefined && "properties" in args)
        return [...(args.properties.command as { enum: string[] }).enum];
    }
  }
  return [];
}
