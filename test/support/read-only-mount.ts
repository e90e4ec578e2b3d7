// Read-only mounts for tests of what the CLI says on a read-only filesystem: tests run as root, where chmod stops nothing.
import { spawnSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import type { TestContext } from "node:test";

/**
 * Mounts `dir` read-only: `source` bound over it and remounted read-only, or an empty read-only tmpfs when there is no
 * source. Returns the unmount, which the caller runs in `t.after` before removing the folders around it; or undefined
 * after skipping the test LOUDLY (with the reason) where mounting is impossible (not root, no mount privilege in a
 * container), and the caller then returns.
 */
export async function mountReadOnly(t: TestContext, dir: string, source?: string): Promise<(() => void) | undefined> {
  await mkdir(dir, { recursive: true });
  const steps =
    source === undefined
      ? [["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir]]
      : [
          ["--bind", source, dir],
          ["-o", "remount,bind,ro", dir],
        ];
  for (const [index, args] of steps.entries()) {
    const run = spawnSync("mount", args, { encoding: "utf8" });
    if (run.status === 0) continue;
    if (index > 0) unmount(dir);
    const reason = `SKIPPED LOUDLY: cannot make a read-only mount here (mount ${args.join(" ")}: ${run.error?.message ?? run.stderr.trim()}); the read-only cases are not tested`;
    console.error(reason);
    t.skip(reason);
    return undefined;
  }
  return () => unmount(dir);
}

function unmount(dir: string): void {
  const run = spawnSync("umount", [dir], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`cannot unmount ${dir}: ${run.error?.message ?? run.stderr.trim()}`);
}
