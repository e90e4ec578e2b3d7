// The `disk` tool: reports the disk usage of the filesystem holding the workspace (the state dir's, like `df`) from one statfs call; takes no arguments, starts no process, changes nothing.
import { statfs } from "node:fs/promises";
import { describeFsError } from "./fs-error.js";
import type { Tool } from "./tool.js";

/** The block counts of one `statfs` reading that `df` uses; a Node `StatsFs` fits. */
export interface FsBlocks {
  /** Block size in bytes. */
  bsize: number;
  /** Blocks in the filesystem. */
  blocks: number;
  /** Free blocks, including those kept for root. */
  bfree: number;
  /** Free blocks an unprivileged process may use. */
  bavail: number;
}

/** Disk usage in bytes as `df` reports it, and its use percentage. */
export interface DiskUsage {
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** Used as a share of used + available, rounded up, as `df` computes it (blocks kept for root count as neither). */
  usedPercent: number;
}

/** `df`'s figures from a `statfs` reading. */
export function diskUsageOf(fs: FsBlocks): DiskUsage {
  const usedBytes = (fs.blocks - fs.bfree) * fs.bsize;
  const availableBytes = fs.bavail * fs.bsize;
  const usable = usedBytes + availableBytes;
  return {
    totalBytes: fs.blocks * fs.bsize,
    usedBytes,
    availableBytes,
    usedPercent: usable === 0 ? 0 : Math.ceil((usedBytes * 100) / usable),
  };
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** `bytes` in binary units with one decimal below 10 (`3.4 GiB`, `27 GiB`, `512 B`), as `df -h` shows sizes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

/** One line for the model: `disk: 29 GiB total, 12 GiB used, 16 GiB available, 44% used`. */
export function describeDiskUsage(usage: DiskUsage): string {
  const { totalBytes, usedBytes, availableBytes, usedPercent } = usage;
  return `disk: ${formatBytes(totalBytes)} total, ${formatBytes(usedBytes)} used, ${formatBytes(availableBytes)} available, ${usedPercent}% used`;
}

/**
 * Reports the usage of the filesystem the workspace is on: `<state>/workspace`, so the state dir's filesystem unless
 * the operator mounted another one at `workspace/` (then it is the one the agent's writes fill). The output is numbers
 * the kernel counted, formatted here: no text anyone wrote, so it is not world content (`taint: false`). Read-only, so
 * never masked as "ineffective"; opt-in through config `tools.enabled`, since every offered tool lengthens the grammar.
 */
export const diskTool: Tool = {
  name: "disk",
  description: "Show the disk usage of the state dir's filesystem (total, used, available, percent used).",
  effect: false,
  taint: false,
  freeTextKeys: [],
  masking: "failures",
  enabledByDefault: false,
  argsSchema() {
    return { type: "object", properties: {}, required: [], additionalProperties: false };
  },
  async execute(_args, context) {
    try {
      return { ok: true, output: describeDiskUsage(diskUsageOf(await statfs(context.workspaceDir))) };
    } catch (error) {
      return { ok: false, error: `could not read the disk usage: ${describeFsError(error)}` };
    }
  },
};
