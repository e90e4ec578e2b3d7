// Takes masked actions out of the step's tool schemas where the grammar can say it exactly; the rest are blocked at execution.
import type { OfferedTool } from "../brain/action-schema.js";
import type { ActionKey } from "../learning/types.js";
import type { EnumSchema, JsonSchema } from "../tools/json-schema.js";
import { toolFacts } from "../tools/registry.js";

/** An action masked right now, with the lesson that masks it. */
export interface MaskedAction {
  lessonId: string;
  action: ActionKey;
}

/**
 * Removes each masked action from the offered tools:
 * - a tool without arguments is withdrawn;
 * - an action fixed by one enum value (`read_file notes.txt`, `run make-report` for a program that takes no
 *   arguments) loses that value, and a tool whose enum empties is withdrawn;
 * - anything else (free-text paths, commands with arguments) cannot be cut from the grammar exactly, so it is
 *   returned in `blockedAtExecution` and refused if chosen.
 * A lesson can only take actions away: nothing here adds a tool, a value or a command.
 */
export function maskOfferedTools(
  offered: readonly OfferedTool[],
  masked: readonly MaskedAction[],
  commandArgs: Readonly<Record<string, number>>,
): { offered: OfferedTool[]; blockedAtExecution: MaskedAction[] } {
  let tools = offered.map((tool) => ({ ...tool, args: { ...tool.args, properties: { ...tool.args.properties } } }));
  const blockedAtExecution: MaskedAction[] = [];
  for (const mask of masked) {
    // A tool never masked (`finish`: a turn must be able to end) stays whole, whatever a lesson says.
    if (toolFacts(mask.action.tool).masking === "never") continue;
    const tool = tools.find((candidate) => candidate.name === mask.action.tool);
    if (tool === undefined) continue;
    const args = JSON.parse(mask.action.args) as Record<string, unknown>;
    if (Object.keys(tool.args.properties).length === 0) {
      tools = tools.filter((candidate) => candidate !== tool);
      continue;
    }
    const enumKey = findExactEnumKey(tool.name, args, tool.args.properties, commandArgs);
    if (enumKey === undefined) {
      blockedAtExecution.push(mask);
      continue;
    }
    const property = tool.args.properties[enumKey] as EnumSchema;
    const remaining = property.enum.filter((value) => value !== args[enumKey]);
    if (remaining.length === 0) tools = tools.filter((candidate) => candidate !== tool);
    else tool.args.properties[enumKey] = { ...property, enum: remaining };
  }
  return { offered: tools, blockedAtExecution };
}

/** The one enum property that pins the masked action down exactly, if there is one. */
function findExactEnumKey(
  toolName: string,
  args: Record<string, unknown>,
  properties: Record<string, JsonSchema>,
  commandArgs: Readonly<Record<string, number>>,
): string | undefined {
  const enumKeys = Object.keys(args).filter((key) => {
    const property = properties[key];
    return (
      property !== undefined &&
      "enum" in property &&
      typeof args[key] === "string" &&
      property.enum.includes(args[key] as string)
    );
  });
  if (enumKeys.length !== 1) return undefined;
  const [key] = enumKeys;
  if (key === undefined) return undefined;
  const others = Object.keys(args).filter((other) => other !== key);
  if (others.length === 0) return key;
  // `run x` with no arguments equals the enum value x only when x cannot take arguments at all.
  if (
    toolName === "run" &&
    key === "command" &&
    others.every((other) => other === "args" && Array.isArray(args.args) && args.args.length === 0)
  ) {
    return commandArgs[args.command as string] === 0 ? key : undefined;
  }
  return undefined;
}
