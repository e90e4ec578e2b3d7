// The `append_file` tool: appends text to a workspace file; invariant: the file never grows past maxFileBytes.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { describeFsError, prepareWriteTarget } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";
import { buildWriteArgsSchema, checkWriteContent } from "./write-args.js";


/** Appends to a file (created if missing, with its parent directories), refusing growth past the size cap. */
export const appendFileTool: Tool = {
  name: "append_file",
  description: "Append text to the end of a workspace file (created if missing).",
  argsSchema: buildWriteArgsSchema,
  async execute(args, context) {
    const content = checkWriteContent(args.content, context.limits.maxFileBytes);
    if (!content.ok) return content;

    const target = await prepareWriteTarget(context.workspaceDir, args.path);
    if (!target.ok) return target;
    try {
      return await appendChecked(target.absolute, target.relative, content.data, context.limits.maxFileBytes);
    } catch (error) {
      return { ok: false, error: `cannot append to ${target.relative}: ${describeFsError(error)}`, touched: [target.relative] };
    }
  },
};

/** Opens without following links, re-checks kind, links and size on the open handle, then appends and fsyncs. */
async function appendChecked(absolute: string, relative: string, data: Buffer, maxBytes: number): Promise<ToolOutcome> {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const handle = await open(absolute, flags, 0o644);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, error: `${relative} is not a regular file`, touched: [relative] };
    if (stats.nlink > 1) {
      return { ok: false, error: `${relative} has ${stats.nlink} hard links; writing it could change a file outside the workspace` };
    }
    if (stats.size + data.length > maxBytes) {
      return {
        ok: false,
        error: `${relative} would grow to ${stats.size + data.length} bytes; the limit is ${maxBytes}`,
        touched: [relative],
      };
    }
    await handle.write(data);
    await handle.sync();
    return { ok: true, output: `appended ${data.length} bytes to ${relative} (now ${stats.size + data.length} bytes)`, touched: [relative] };
  } finally {
    await handle.close();
  }
}
