// The `append_file` tool: appends text to a workspace file; invariant: the file never grows past maxFileBytes.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { describeFsError, prepareWriteTarget } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";

/** Longest path the schema lets the model write, in characters. */
const MAX_WRITE_PATH_CHARS = 120;
/** Longest content the schema lets the model emit in one step, in characters; bounds decoding time. */
const MAX_CONTENT_CHARS = 2000;

/** Appends to a file (created if missing, with its parent directories), refusing growth past the size cap. */
export const appendFileTool: Tool = {
  name: "append_file",
  description: "Append text to the end of a workspace file (created if missing).",
  argsSchema(view) {
    return {
      type: "object",
      properties: {
        path: { type: "string", minLength: 1, maxLength: MAX_WRITE_PATH_CHARS, description: "workspace-relative path" },
        content: { type: "string", maxLength: Math.min(view.limits.maxFileBytes, MAX_CONTENT_CHARS) },
      },
      required: ["path", "content"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const content = args.content;
    if (typeof content !== "string") return { ok: false, error: "content must be a string" };
    const data = Buffer.from(content, "utf8");
    const maxBytes = context.limits.maxFileBytes;
    if (data.length > maxBytes) return { ok: false, error: `content is ${data.length} bytes; the limit is ${maxBytes}` };

    const target = await prepareWriteTarget(context.workspaceDir, args.path);
    if (!target.ok) return target;
    try {
      return await appendChecked(target.absolute, target.relative, data, maxBytes);
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
