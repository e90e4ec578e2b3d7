// The `write_file` tool: replaces or creates a workspace file atomically; invariant: never writes outside the workspace or past maxFileBytes.
import { writeFileDurably } from "../memory/durable-write.js";
import { describeFsError, prepareWriteTarget } from "./sandbox-path.js";
import type { Tool } from "./tool.js";
import { buildWriteArgsSchema, checkWriteContent } from "./write-args.js";


/** Writes a whole file via temp file + rename beside the target, creating parent directories inside the workspace. */
export const writeFileTool: Tool = {
  name: "write_file",
  description: "Create or replace a text file in the workspace.",
  argsSchema: buildWriteArgsSchema,
  async execute(args, context) {
    const content = checkWriteContent(args.content, context.limits.maxFileBytes);
    if (!content.ok) return content;

    const target = await prepareWriteTarget(context.workspaceDir, args.path);
    if (!target.ok) return target;
    try {
      await writeFileDurably(target.absolute, content.data);
    } catch (error) {
      return { ok: false, error: `cannot write ${target.relative}: ${describeFsError(error)}`, touched: [target.relative] };
    }
    return { ok: true, output: `wrote ${content.data.length} bytes to ${target.relative}`, touched: [target.relative] };
  },
};
