// The `list_dir` tool: lists one workspace directory (names, kinds, sizes); invariant: output stays within maxOutputBytes.
import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { describeFsError, resolveInWorkspace } from "./sandbox-path.js";
import type { Tool } from "./tool.js";

/** Entries shown per listing; the rest are counted. */
const MAX_LISTED_ENTRIES = 200;

/** Lists a directory chosen from the schema view's `dirs`. Hidden entries are counted, not named. */
export const listDirTool: Tool = {
  name: "list_dir",
  description: "List the files and folders in a workspace directory.",
  argsSchema(view) {
    if (view.dirs.length === 0) return undefined;
    return {
      type: "object",
      properties: { path: { enum: view.dirs, description: "workspace directory; \".\" is the top" } },
      required: ["path"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const resolved = await resolveInWorkspace(context.workspaceDir, args.path, { mustExist: true, kind: "dir" });
    if (!resolved.ok) return { ok: false, error: resolved.error };
    let entries: Dirent[];
    try {
      entries = await readdir(resolved.absolute, { withFileTypes: true });
    } catch (error) {
      return { ok: false, error: `cannot list ${resolved.relative}: ${describeFsError(error)}` };
    }
    const visible = entries
      .filter((entry) => !entry.name.startsWith("."))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const lines: string[] = [];
    for (const entry of visible.slice(0, MAX_LISTED_ENTRIES)) {
      lines.push(await describeEntry(resolved.absolute, entry));
    }
    if (visible.length > MAX_LISTED_ENTRIES) lines.push(`(+${visible.length - MAX_LISTED_ENTRIES} more not shown)`);
    const hidden = entries.length - visible.length;
    if (hidden > 0) lines.push(`(+${hidden} hidden)`);
    let output = lines.length === 0 ? "(empty)" : lines.join("\n");
    const maxBytes = context.limits.maxOutputBytes;
    if (Buffer.byteLength(output) > maxBytes) {
      output = `${Buffer.from(output).subarray(0, maxBytes).toString("utf8")}\n[output truncated]`;
    }
    return { ok: true, output, touched: [resolved.relative], fromWorld: true };
  },
};

/** One line per entry: `name/` for a directory, `name (N bytes)` for a file, a kind tag for anything else. */
async function describeEntry(dir: string, entry: Dirent): Promise<string> {
  if (entry.isDirectory()) return `${entry.name}/`;
  if (entry.isSymbolicLink()) return `${entry.name} (symbolic link)`;
  if (!entry.isFile()) return `${entry.name} (special file)`;
  try {
    const stats = await lstat(path.join(dir, entry.name));
    return `${entry.name} (${stats.size} bytes)`;
  } catch (error) {
    return `${entry.name} (${describeFsError(error)})`;
  }
}
