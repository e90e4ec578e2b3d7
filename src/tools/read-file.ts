// The `read_file` tool: returns a workspace file's text; invariant: never more than maxFileBytes of it (a marker says so), never through a link.
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { describeFsError } from "./fs-error.js";
import { openFileBeneath, withDirBeneath } from "./open-beneath.js";
import { parseWorkspacePath } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";

/** Reads a file chosen from the schema view's `files`; unavailable when the workspace has no files. */
export const readFileTool: Tool = {
  name: "read_file",
  description: "Read a text file from the workspace.",
  effect: false,
  taint: true,
  freeTextKeys: [],
  masking: "failures",
  enabledByDefault: true,
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
    const target = parseWorkspacePath(args.path);
    if (!target.ok) return target;
    const { relative, parts } = target;
    const name = parts.at(-1);
    if (name === undefined) return { ok: false, error: `${relative} is a directory, not a regular file` };
    // The parent is opened one name at a time and the file by its plain name in it: no component is ever a link.
    return await withDirBeneath(
      context.workspaceDir,
      parts.slice(0, -1),
      relative,
      {},
      async (dir): Promise<ToolOutcome> => {
        const file = await openFileBeneath(dir, name, relative, "read");
        if (!file.ok) return { ok: false, error: file.error };
        try {
          return await readCapped(file.handle, file.stats, relative, context.limits.maxFileBytes);
        } catch (error) {
          return { ok: false, error: `cannot read ${relative}: ${describeFsError(error)}`, touched: [relative] };
        } finally {
          await file.handle.close();
        }
      },
    );
  },
};

/** Reads at most `maxBytes` (plus one, to learn whether there is more) from an open regular file. */
async function readCapped(handle: FileHandle, stats: Stats, relative: string, maxBytes: number): Promise<ToolOutcome> {
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
  return { ok: true, output, touched: [relative] };
}

/** Drops a UTF-8 sequence cut in half at the end, so the cap never produces a replacement character. */
function trimToCharBoundary(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start < expected ? bytes.subarray(0, start) : bytes;
}
