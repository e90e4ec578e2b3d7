// The tools the agent gets by default, in the stable order they appear in prompts and grammars; names are unique.
import { appendFileTool } from "./append-file.js";
import { finishTool } from "./finish.js";
import { listDirTool } from "./list-dir.js";
import { messageOperatorTool } from "./message-operator.js";
import { noteTool } from "./note.js";
import { readFileTool } from "./read-file.js";
import { runCommandTool } from "./run-command.js";
import { senseTool } from "./sense.js";
import type { Tool } from "./tool.js";
import { writeFileTool } from "./write-file.js";

/** Every built-in tool, `finish` first. Frozen: the order is part of the prompt and must not drift at run time. */
export const defaultTools: readonly Tool[] = Object.freeze([
  finishTool,
  senseTool,
  noteTool,
  messageOperatorTool,
  listDirTool,
  readFileTool,
  writeFileTool,
  appendFileTool,
  runCommandTool,
]);

/** The tool called `name` in `tools` (defaults to {@link defaultTools}), or `undefined` when there is none. */
export function findTool(name: string, tools: readonly Tool[] = defaultTools): Tool | undefined {
  return tools.find((tool) => tool.name === name);
}
