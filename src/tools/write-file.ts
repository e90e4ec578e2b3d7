// The `write_file` tool: replaces or creates a workspace file atomically; invariant: never writes outside the workspace or past maxFileBytes.
import { writeFileDurably } from "../memory/durable-write.js";
import { describeFsError, prepareWriteTarget } from "./sandbox-path.js";
import type { Tool } from "./tool.js";

/** Longest path the schema lets the model write, in characters. */
const MAX_WRITE_PATH_CHARS = 120;
/** Longest content the schema lets the model emit in one step, in characters; bounds decoding time. */
const MAX_CONTENT_CHARS = 2000;

/** Writes a whole file via temp file + rename beside the target, creating parent directories inside the workspace. */
export const writeFileTool: Tool = {
  name: "write_file",
  description: "Create or replace a text file in the workspace.",
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
    const bytes = Buffer.byteLength(content, "utf8");
    const maxBytes = context.limits.maxFileBytes;
    if (bytes > maxBytes) return { ok: false, error: `content is ${bytes} bytes; the limit is ${maxBytes}` };

    const target = await prepareWriteTarget(context.workspaceDir, args.path);
    if (!target.ok) return target;
    try {
      await writeFileDurably(target.absolute, content);
    } catch (error) {
      return { ok: false, error: `cannot write ${target.relative}: ${describeFsError(error)}`, touched: [target.relative] };
    }
    return { ok: true, output: `wrote ${bytes} bytes to ${target.relative}`, touched: [target.relative] };
  },
};
