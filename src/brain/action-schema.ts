// Builds the per-step action schema from the tools on offer: one branch per tool, so a tool name always comes with its own arguments.
import type { JsonSchema, ObjectSchema } from "../tools/json-schema.js";

/** Longest `thought` the model may write. Short free text keeps steps fast on small boards. */
export const THOUGHT_MAX_LENGTH = 160;

/** Most lesson ids one action may cite. */
export const MAX_CITES = 3;

export interface ActionSchemaOptions {
  /** Lesson ids recalled this step; when given, the action carries `cite` (an array of them). */
  citeIds?: readonly string[];
  /** Longest `thought`. Defaults to {@link THOUGHT_MAX_LENGTH}. */
  thoughtMaxChars?: number;
}

/** A tool as the schema builder sees it: a name and this step's argument schema. */
export interface OfferedTool {
  name: string;
  args: ObjectSchema;
}

/**
 * The JSON schema of one decision: `{"thought", "tool", "args"}`, as a `oneOf` over the offered tools.
 * Tools that are masked or unavailable this step are simply not offered, so the grammar cannot produce them.
 */
export function buildActionSchema(tools: readonly OfferedTool[], options: ActionSchemaOptions = {}): JsonSchema {
  if (tools.length === 0) throw new Error("buildActionSchema needs at least one tool (finish is always offered)");
  const cite: JsonSchema | undefined =
    options.citeIds !== undefined && options.citeIds.length > 0
      ? { type: "array", items: { enum: options.citeIds }, maxItems: MAX_CITES }
      : undefined;
  const branches: ObjectSchema[] = tools.map((tool) => ({
    type: "object",
    properties: {
      thought: { type: "string", maxLength: options.thoughtMaxChars ?? THOUGHT_MAX_LENGTH },
      ...(cite !== undefined ? { cite } : {}),
      tool: { const: tool.name },
      args: tool.args,
    },
    required: ["thought", ...(cite !== undefined ? ["cite"] : []), "tool", "args"],
    additionalProperties: false,
  }));
  const [only] = branches;
  return branches.length === 1 && only !== undefined ? only : { oneOf: branches };
}

/** Finds the branch of an action schema whose `tool` const matches `toolName`. */
export function findToolBranch(schema: JsonSchema, toolName: string): ObjectSchema | undefined {
  const branches = "oneOf" in schema ? schema.oneOf : [schema];
  for (const branch of branches) {
    if (!("type" in branch) || branch.type !== "object") continue;
    const tool = branch.properties.tool;
    if (tool !== undefined && "const" in tool && tool.const === toolName) return branch;
  }
  return undefined;
}
