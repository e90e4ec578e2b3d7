// Replaces a file in an open workspace directory atomically and durably; invariant: never writes through a link, nor outside the directory it was given.
import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { renameSyncedTemp, TEMP_SUFFIX } from "../memory/durable-write.js";
import { inspectBeneath, pathBeneath, refuseNonRegular } from "./open-beneath.js";

/**
 * Replaces `name` in the directory open as `dir` with `data`. Refuses when `name` exists as anything but a regular file
 * with one link (a symlink included). The temp file is created with O_EXCL|O_NOFOLLOW beside it and renamed over it,
 * both through `dir`'s fd: whatever is renamed around `dir` meanwhile, the write lands in that very directory, and a
 * link swapped in for `name` is itself replaced, never written through. Throws the OS error of a failed write (the
 * temp file is removed); the caller turns it into an outcome.
 */
export async function replaceFileBeneath(
  dir: FileHandle,
  name: string,
  shown: string,
  data: Uint8Array,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const existing = await inspectBeneath(dir, name, shown);
  if (existing.ok) {
    const refusal = refuseNonRegular(existing.stats, shown, "write");
    await existing.handle.close();
    if (refusal !== undefined) return { ok: false, error: refusal };
  } else if (!existing.missing) {
    return { ok: false, error: existing.error };
  }
  const temp = pathBeneath(dir, `.${name}.${randomBytes(4).toString("hex")}${TEMP_SUFFIX}`);
  await renameSyncedTemp(temp, pathBeneath(dir, name), data, { name, mode: 0o644 });
  await dir.sync();
  return { ok: true };
}
