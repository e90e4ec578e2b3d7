// Turns what a child process writes on a stream into logger lines. Invariant: the stream never keeps this process alive.
import type { Socket } from "node:net";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/**
 * Calls `log` with each line `stream` carries (empty lines skipped), until it ends. The stream is unref'd: output still
 * to come never holds the event loop (a child's exit is what callers wait for).
 */
export function logStrayLines(stream: Readable | null, log: (line: string) => void): void {
  if (stream === null) return;
  (stream as Partial<Socket>).unref?.();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on("line", (line) => {
    const text = line.trimEnd();
    if (text.length > 0) log(text);
  });
}
