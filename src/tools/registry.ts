// The tool registry: every built-in tool in the stable order of prompts and grammars, and what is derived from them (the enableable names, facts by name); names are unique, nothing changes at run time.
import { appendFileTool } from "./append-file.js";
import { diskTool } from "./disk.js";
import { finishTool } from "./finish.js";
import { listDirTool } from "./list-dir.js";
import { messageOperatorTool } from "./message-operator.js";
import { noteTool } from "./note.js";
import { readFileTool } from "./read-file.js";
import { runCommandTool } from "./run-command.js";
import { senseTool } from "./sense.js";
import type { Tool, ToolFacts } from "./tool.js";
import { writeFileTool } from "./write-file.js";

/** A fixed set of tools looked up by name. */
export interface ToolRegistry {
  /** The tools, in the order given: the order of prompts and grammars. */
  readonly tools: readonly Tool[];
  /** Their names, in the same order. */
  readonly names: readonly string[];
  /** The tool called `name`, or `undefined` when there is none. */
  find(name: string): Tool | undefined;
  /** The facts of the tool called `name`; {@link unknownToolFacts} of the name when the registry has no such tool. */
  facts(name: string): ToolFacts;
}

/**
 * The facts assumed for a name no registry holds (a stored action of a tool that no longer exists): it may change the
 * workspace, its output is world content, every argument counts, and no rule exempts it. Each is the cautious choice.
 */
export function unknownToolFacts(name: string): ToolFacts {
  return {
    name,
    effect: true,
    taint: true,
    freeTextKeys: [],
    masking: "failures-or-ineffective",
    enabledByDefault: false,
  };
}

/** A registry of `tools` in their order. Throws on two tools with one name: that is a bug in the list, not an outcome. */
export function buildToolRegistry(tools: readonly Tool[]): ToolRegistry {
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`two tools are called ${tool.name}`);
    byName.set(tool.name, tool);
  }
  const frozen = Object.freeze([...tools]);
  return Object.freeze({
    tools: frozen,
    names: Object.freeze(frozen.map((tool) => tool.name)),
    find: (name: string) => byName.get(name),
    facts: (name: string) => byName.get(name) ?? unknownToolFacts(name),
  });
}

/** Every built-in tool, `finish` first. Adding a tool: its own file, and one line here (with its import). */
export const builtinRegistry: ToolRegistry = buildToolRegistry([
  finishTool,
  senseTool,
  noteTool,
  messageOperatorTool,
  listDirTool,
  readFileTool,
  writeFileTool,
  appendFileTool,
  runCommandTool,
  diskTool,
]);

/** The built-in tools offered when config `tools.enabled` is not set, in registry order; opt-in tools are left out. */
export const defaultTools: readonly Tool[] = Object.freeze(
  builtinRegistry.tools.filter((tool) => tool.enabledByDefault),
);

/** The name of the act loop's skill replay: offered and enabled like a tool, but run by the loop, not by a {@link Tool}. */
export const USE_SKILL = "use_skill";

/** Every name config `tools.enabled` and a gym scenario's `tools` accept: the built-in tools, then `use_skill`. */
export const ENABLEABLE_NAMES: readonly string[] = Object.freeze([...builtinRegistry.names, USE_SKILL]);

/** What config `tools.enabled` defaults to: every tool enabled by default, then `use_skill`. */
export const DEFAULT_ENABLED_NAMES: readonly string[] = Object.freeze([
  ...defaultTools.map((tool) => tool.name),
  USE_SKILL,
]);

/** The tool called `name` in `tools` (defaults to every built-in tool), or `undefined` when there is none. */
export function findTool(name: string, tools: readonly Tool[] = builtinRegistry.tools): Tool | undefined {
  return tools.find((tool) => tool.name === name);
}

/**
 * The facts of the built-in tool called `name`, for code that holds only a name (a stored action key); a name with no
 * built-in tool gets {@link unknownToolFacts}.
 */
export function toolFacts(name: string): ToolFacts {
  return builtinRegistry.facts(name);
}
