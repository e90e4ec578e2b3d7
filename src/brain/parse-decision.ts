// Turns a model's raw reply into a validated action or an invalid-output decision; pure, never throws for bad output.
import type { JsonSchema } from "../tools/json-schema.js";
import { describeError } from "../text/describe-error.js";
import { findToolBranch } from "./action-schema.js";
import { clampStrings } from "./clamp-strings.js";
import type { Action, Decision, DecisionUsage } from "./brain.js";

/**
 * The validator of a JSON-schema grammar: returns the parsed value of `json`, or throws when it does not match the
 * schema. node-llama-cpp's `LlamaJsonSchemaGrammar` is one; tests pass the same validator without the binding.
 */
export interface GrammarValidator {
  parse(json: string): unknown;
}

/**
 * Turns raw model text into a validated action: JSON.parse, the tool's branch of `schema`, overlong free text clamped
 * to its `maxLength`, then `grammar`'s own validator. Garbage (not JSON, no known tool, a shape the schema refuses) is
 * an `invalid-output` decision carrying `raw` and `usage`, never a throw; its `detail` is the harness's own words, and
 * what it says of the reply (which quotes the reply) is in `quoted`.
 */
export function parseDecision(
  raw: string,
  schema: JsonSchema,
  grammar: GrammarValidator,
  usage: DecisionUsage,
): Decision {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reason: "invalid-output", detail: "not JSON", quoted: describeError(error), raw, usage };
  }
  const toolName = typeof parsed === "object" && parsed !== null ? (parsed as { tool?: unknown }).tool : undefined;
  const branch = typeof toolName === "string" ? findToolBranch(schema, toolName) : undefined;
  if (branch === undefined) {
    return {
      ok: false,
      reason: "invalid-output",
      detail: "unknown or missing tool",
      quoted: JSON.stringify(toolName) ?? "undefined",
      raw,
      usage,
    };
  }
  const { value, clamped } = clampStrings(parsed, branch);
  let action: Action;
  try {
    action = grammar.parse(JSON.stringify(value)) as Action;
  } catch (error) {
    return {
      ok: false,
      reason: "invalid-output",
      detail: "does not match the action schema",
      quoted: describeError(error).slice(0, 160),
      raw,
      usage,
    };
  }
  return { ok: true, action, raw, usage, clamped };
}
