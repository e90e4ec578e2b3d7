// Generated model files (the test model, the stand-ins) in a cache: named after a hash of their bytes, and written only when those bytes are not already on disk.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { writeFileDurably } from "../memory/durable-write.js";

/** `<prefix>-<first 12 hex digits of the bytes' sha256>.gguf`: different contents never share a name. */
export function contentNamedGguf(prefix: string, bytes: Buffer): string {
  return `${prefix}-${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}.gguf`;
}

/**
 * Writes `bytes` to `file` durably (temp file and rename, so a concurrent reader never sees half a file) unless the
 * file already holds exactly those bytes. Returns whether it wrote.
 */
export async function writeUnlessSame(file: string, bytes: Buffer): Promise<boolean> {
  if ((await fileSize(file)) === bytes.length && (await readFile(file)).equals(bytes)) return false;
  await writeFileDurably(file, bytes);
  return true;
}

/** Size of `file` in bytes, or `undefined` when there is none; other errors are thrown. */
export async function fileSize(file: string): Promise<number | undefined> {
  const found = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return found?.size;
}
