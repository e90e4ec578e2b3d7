// The `read_file` tool: returns a workspace file's text; invariant: never more than maxFileBytes of it, and a marker says so.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { describeFsError, resolveInWorkspace } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";

/** Reads a file chosen from the schema view's `files`; unavailable when the workspace has no files. */
export const readFileTool: Tool = {
  name: "read_file",
  description: "Read a text file from the workspace.",
  argsSchema(view) {
    if (view.files.length === 0) return undefined;
    return {
      type: "object",
      properties: { path: { enum: view.files, description: "workspace file" } },
      required: ["path"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const resolved = await resolveInWorkspace(context.workspaceDir, args.path, { mustExist: true });
    if (!resolved.ok) return { ok: false, error: resolved.error };
    try {
      return await readCapped(resolved.absolute, resolved.relative, context.limits.maxFileBytes);
    } catch (error) {
      return { ok: false, error: `cannot read ${resolved.relative}: ${describeFsError(error)}`, touched: [resolved.relative] };
    }
  },
};

/** Reads at most `maxBytes` (plus one, to learn whether there is more) from a checked path. */
async function readCapped(absolute: string, relative: string, maxBytes: number): Promise<ToolOutcome> {
  // O_NOFOLLOW and O_NONBLOCK: a symlink or FIFO swapped in after the check fails or returns, it never escapes or hangs.
  const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, error: `${relative} is not a regular file`, touched: [relative] };
    // A second hard link may be a file outside the workspace that someone linked in; its content is not ours to show.
    if (stats.nlink > 1) {
      return { ok: false, error: `${relative} has ${stats.nlink} hard links; reading it could show a file outside the workspace`, touched: [relative] };
    }
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const truncated = filled > maxBytes;
    const kept = buffer.subarray(0, Math.min(filled, maxBytes));
    let output: string;
    if (kept.includes(0)) output = `[binary file, ${stats.size} bytes; not shown]`;
    else if (kept.length === 0) output = "(empty file)";
    else output = trimToCharBoundary(kept).toString("utf8");
    if (truncated) output += `\n[truncated at ${maxBytes} bytes]`;
    return { ok: true, output, touched: [relative], fromWorld: true };
  } finally {
    await handle.close();
  }
}

/** Drops a UTF-8 sequence cut in half at the end, so the cap never produces a replacement character. */
function trimToCharBoundary(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start < expected ? bytes.subarray(0, start) : bytes;
}
