// The `list_dir` tool: lists one workspace directory (names, kinds, sizes); invariant: output within maxOutputBytes, never through a link.
import type { Dirent } from "node:fs";
import { lstat, readdir, type FileHandle } from "node:fs/promises";
import { describeFsError } from "./fs-error.js";
import { pathBeneath, withDirBeneath } from "./open-beneath.js";
import { parseWorkspacePath } from "./sandbox-path.js";
import type { Tool, ToolOutcome } from "./tool.js";

/** Entries shown per listing; the rest are counted. */
const MAX_LISTED_ENTRIES = 200;

/** Lists a directory chosen from the schema view's `dirs`. Hidden entries are counted, not named. */
export const listDirTool: Tool = {
  name: "list_dir",
  description: "List the files and folders in a workspace directory.",
  effect: false,
  taint: true,
  freeTextKeys: [],
  masking: "failures",
  enabledByDefault: true,
  argsSchema(view) {
    if (view.dirs.length === 0) return undefined;
    return {
      type: "object",
      properties: { path: { enum: view.dirs, description: 'workspace directory; "." is the top' } },
      required: ["path"],
      additionalProperties: false,
    };
  },
  async execute(args, context) {
    const target = parseWorkspacePath(args.path);
    if (!target.ok) return target;
    const { relative, parts } = target;
    return await withDirBeneath(context.workspaceDir, parts, relative, {}, async (dir): Promise<ToolOutcome> => {
      let entries: Dirent[];
      try {
        entries = await readdir(pathBeneath(dir), { withFileTypes: true });
      } catch (error) {
        return { ok: false, error: `cannot list ${relative}: ${describeFsError(error)}` };
      }
      return {
        ok: true,
        output: await describeEntries(dir, entries, context.limits.maxOutputBytes),
        touched: [relative],
      };
    });
  },
};

/** The listing's text: visible entries by name (at most {@link MAX_LISTED_ENTRIES}), then counts, cut to `maxBytes`. */
async function describeEntries(dir: FileHandle, entries: Dirent[], maxBytes: number): Promise<string> {
  const visible = entries
    .filter((entry) => !entry.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: string[] = [];
  for (const entry of visible.slice(0, MAX_LISTED_ENTRIES)) {
    lines.push(await describeEntry(dir, entry));
  }
  if (visible.length > MAX_LISTED_ENTRIES) lines.push(`(+${visible.length - MAX_LISTED_ENTRIES} more not shown)`);
  const hidden = entries.length - visible.length;
  if (hidden > 0) lines.push(`(+${hidden} hidden)`);
  const output = lines.length === 0 ? "(empty)" : lines.join("\n");
  if (Buffer.byteLength(output) <= maxBytes) return output;
  return `${Buffer.from(output).subarray(0, maxBytes).toString("utf8")}\n[output truncated]`;
}

/** One line per entry: `name/` for a directory, `name (N bytes)` for a file, a kind tag for anything else. */
async function describeEntry(dir: FileHandle, entry: Dirent): Promise<string> {
  if (entry.isDirectory()) return `${entry.name}/`;
  if (entry.isSymbolicLink()) return `${entry.name} (symbolic link)`;
  if (!entry.isFile()) return `${entry.name} (special file)`;
  try {
    // lstat of the plain name in the open directory: it never follows a link swapped in since the readdir.
    const stats = await lstat(pathBeneath(dir, entry.name));
    return `${entry.name} (${stats.size} bytes)`;
  } catch (error) {
    return `${entry.name} (${describeFsError(error)})`;
  }
}
