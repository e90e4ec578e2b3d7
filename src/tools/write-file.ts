// The `write_file` tool: replaces or creates a workspace file atomically; invariant: never writes outside the workspace, past maxFileBytes or through a link.
import { describeFsError } from "./fs-error.js";
import { withDirBeneath } from "./open-beneath.js";
import { replaceFileBeneath } from "./replace-beneath.js";
import { parseWorkspacePath } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";
import { buildWriteArgsSchema, checkWriteContent } from "./write-args.js";

/** Writes a whole file via temp file + rename beside the target, creating parent directories inside the workspace. */
export const writeFileTool: Tool = {
  name: "write_file",
  description: "Create or replace a text file in the workspace.",
  effect: true,
  taint: false,
  freeTextKeys: ["content"],
  masking: "failures-or-ineffective",
  enabledByDefault: true,
  argsSchema: buildWriteArgsSchema,
  async execute(args, context) {
    const content = checkWriteContent(args.content, context.limits.maxFileBytes);
    if (!content.ok) return content;
    const target = parseWorkspacePath(args.path);
    if (!target.ok) return target;
    const { relative, parts } = target;
    const name = parts.at(-1);
    if (name === undefined) return { ok: false, error: `${relative} is a directory, not a regular file` };
    // Missing parents are made one at a time, each in the directory opened before it, never through a link.
    return await withDirBeneath(
      context.workspaceDir,
      parts.slice(0, -1),
      relative,
      { create: true },
      async (dir): Promise<ToolOutcome> => {
        try {
          const written = await replaceFileBeneath(dir, name, relative, content.data);
          if (!written.ok) return written;
        } catch (error) {
          return { ok: false, error: `cannot write ${relative}: ${describeFsError(error)}`, touched: [relative] };
        }
        return { ok: true, output: `wrote ${content.data.length} bytes to ${relative}`, touched: [relative] };
      },
    );
  },
};
