// Canonical form of an action (tool + normalized arguments): equal actions always give equal keys, and the tool's free-text arguments never count.
import { toolFacts } from "../tools/registry.js";
import type { ToolFacts } from "../tools/tool.js";
import type { ActionKey } from "./types.js";

/**
 * The canonical key of one action: the tool's top-level free-text keys ({@link ToolFacts.freeTextKeys}) and
 * `undefined` values dropped, object keys sorted recursively, arguments as compact JSON. `facts` defaults to the
 * built-in tool's of that name (for a name with no tool, every argument counts).
 */
export function normalizeAction(
  tool: string,
  args: Record<string, unknown>,
  facts: Pick<ToolFacts, "freeTextKeys"> = toolFacts(tool),
): ActionKey {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!facts.freeTextKeys.includes(key)) kept[key] = value;
  }
  return { tool, args: JSON.stringify(sortKeys(kept)) };
}

/** The key of a situation (goal + action) in {@link LearningData.situations}: a JSON array, so no separator can collide. */
export function situationKey(goal: string, action: ActionKey): string {
  return JSON.stringify([goal, action.tool, action.args]);
}

/** Whether two action keys name the same action. */
export function isSameAction(a: ActionKey, b: ActionKey): boolean {
  return a.tool === b.tool && a.args === b.args;
}

/** A short human form: `run make-report`, `run cat notes.txt`, `write_file report.txt`, `finish`. */
export function describeAction(action: ActionKey): string {
  const args = parseArgs(action.args);
  if (args === undefined) return `${action.tool} ${action.args}`;
  if (action.tool === "run" && typeof args["command"] === "string") {
    const argv = Array.isArray(args["args"]) ? args["args"].map((arg) => String(arg)) : [];
    return [action.tool, args["command"], ...argv].join(" ");
  }
  const keys = Object.keys(args);
  if (keys.length === 0) return action.tool;
  if (keys.length === 1 && typeof args["path"] === "string") return `${action.tool} ${args["path"]}`;
  return `${action.tool} ${action.args}`;
}

function parseArgs(json: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    // A hand-edited or foreign key: show it raw rather than fail a description.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) sorted[key] = sortKeys(inner);
  }
  return sorted;
}
