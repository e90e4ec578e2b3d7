// The `append_file` tool: appends text to a workspace file; invariant: the file never grows past maxFileBytes, and no link on its path is followed.
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { describeFsError } from "./fs-error.js";
import { openFileBeneath, withDirBeneath } from "./open-beneath.js";
import { parseWorkspacePath } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";
import { buildWriteArgsSchema, checkWriteContent } from "./write-args.js";

/** Appends to a file (created if missing, with its parent directories), refusing growth past the size cap. */
export const appendFileTool: Tool = {
  name: "append_file",
  description: "Append text to the end of a workspace file (created if missing).",
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
    return await withDirBeneath(
      context.workspaceDir,
      parts.slice(0, -1),
      relative,
      { create: true },
      async (dir): Promise<ToolOutcome> => {
        // Kind, links and size are judged on the inode the handle holds, not on a name that may change.
        const file = await openFileBeneath(dir, name, relative, "append");
        if (!file.ok) return { ok: false, error: file.error };
        try {
          return await appendChecked(file.handle, file.stats, relative, content.data, context.limits.maxFileBytes);
        } catch (error) {
          return { ok: false, error: `cannot append to ${relative}: ${describeFsError(error)}`, touched: [relative] };
        } finally {
          await file.handle.close();
        }
      },
    );
  },
};

/** Appends to an open regular file and fsyncs, unless that would take it past `maxBytes`. */
async function appendChecked(
  handle: FileHandle,
  stats: Stats,
  relative: string,
  data: Buffer,
  maxBytes: number,
): Promise<ToolOutcome> {
  if (stats.size + data.length > maxBytes) {
    const error = `${relative} would grow to ${stats.size + data.length} bytes; the limit is ${maxBytes}`;
    return { ok: false, error, touched: [relative] };
  }
  await handle.write(data);
  await handle.sync();
  return {
    ok: true,
    output: `appended ${data.length} bytes to ${relative} (now ${stats.size + data.length} bytes)`,
    touched: [relative],
  };
}
