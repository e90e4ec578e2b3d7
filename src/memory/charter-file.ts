// Reads the operator's charter.md for a cycle and for `doctor`, with one validation: a missing charter is an empty one, anything else that is not a readable regular file is the operator's to fix.
import { open, stat } from "node:fs/promises";

/** Bytes of the charter put in the prompt; the rest of a longer file is not read. */
export const MAX_CHARTER_BYTES = 32_768;

/** `warning` says when the charter is longer than what is read. */
export type CharterResult = { ok: true; text: string; warning?: string } | { ok: false; error: string };

/**
 * Reads `file` (a missing one is an empty charter; invalid UTF-8 is decoded leniently). A folder, a FIFO or another
 * special file in its place, or a file that cannot be read, is an error naming the file and the cause; a file longer
 * than `maxBytes` gives its first `maxBytes` and a warning. `maxBytes` defaults to {@link MAX_CHARTER_BYTES}.
 */
export async function loadCharter(file: string, maxBytes = MAX_CHARTER_BYTES): Promise<CharterResult> {
  try {
    // Looked at before it is opened: opening a FIFO would wait for a writer.
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, error: `${file} is not a regular file` };
    const text = await readHead(file, maxBytes);
    return info.size <= maxBytes
      ? { ok: true, text }
      : {
          ok: true,
          text,
          warning: `${file} is ${info.size} bytes; only its first ${maxBytes} bytes are read into the prompt`,
        };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, text: "" };
    return { ok: false, error: `${file}: cannot read: ${(error as Error).message}` };
  }
}

async function readHead(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return new TextDecoder("utf-8", { fatal: false }).decode(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
