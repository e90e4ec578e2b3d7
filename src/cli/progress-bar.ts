// A download progress bar for stderr: redrawn in place on a terminal, one line per tenth when stderr is a file or a pipe.
import type { PullProgress } from "../brain/model-pull.js";

export interface ProgressReporter {
  update(progress: PullProgress): void;
  /** Ends the bar's line; safe to call when nothing was drawn. */
  finish(): void;
}

const BAR_WIDTH = 28;
const REDRAW_MS = 200;
const MB = 1024 * 1024;

/** Writes to `stream`; `isTTY` decides between redrawing and logging tenths. */
export function createProgressReporter(
  stream: { write(text: string): unknown; isTTY?: boolean },
  now: () => number = () => performance.now(),
): ProgressReporter {
  let lastDrawAt = -Infinity;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(progress) {
      if (progress.totalBytes <= 0) return;
      const share = Math.min(1, progress.downloadedBytes / progress.totalBytes);
      if (stream.isTTY === true) {
        if (now() - lastDrawAt < REDRAW_MS && share < 1) return;
        lastDrawAt = now();
        stream.write(`\r${renderProgressLine(progress)}\u001b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(share * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${renderProgressLine(progress)}\n`);
    },
    finish() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}

/** `[##########----------]  50%  190/380 MB  2.1 MB/s` */
export function renderProgressLine(progress: PullProgress): string {
  const share = progress.totalBytes > 0 ? Math.min(1, progress.downloadedBytes / progress.totalBytes) : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const digits = progress.totalBytes < 10 * MB ? 1 : 0;
  const amounts = `${(progress.downloadedBytes / MB).toFixed(digits)}/${(progress.totalBytes / MB).toFixed(digits)} MB`;
  const speed = progress.bytesPerSecond > 0 ? `  ${(progress.bytesPerSecond / MB).toFixed(1)} MB/s` : "";
  return `${bar} ${percent}  ${amounts}${speed}`;
}
