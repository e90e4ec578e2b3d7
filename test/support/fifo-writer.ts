// A FIFO writer that waits for a reader: it proves whether code under test opened a FIFO (only a real open wakes it).
import { spawn } from "node:child_process";
import { closeSync, constants, lstatSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";

/**
 * A writer blocked in open(2) on `fifo` until some reader opens it; `opened()` is true once one did.
 * Only a real open for reading wakes it, so it tells whether anything opened the FIFO.
 */
export async function waitForReader(fifo: string): Promise<{ opened(): boolean; stop(): void }> {
  const child = spawn("sh", ["-c", 'exec 3>"$1"; echo opened', "sh", fifo], { stdio: ["ignore", "pipe", "ignore"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = (): void => void child.kill("SIGKILL");
  // Only once it waits in the kernel for a reader may the FIFO move: before, its open could create a file instead.
  for (const deadline = Date.now() + 5000; ; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const wchan = await readFile(`/proc/${child.pid}/wchan`, "utf8").catch((error: NodeJS.ErrnoException) => {
      // Not there yet or already gone: the deadline decides.
      if (error.code === "ENOENT" || error.code === "ESRCH") return "";
      throw error;
    });
    if (wchan === "wait_for_partner") break;
    if (Date.now() > deadline) {
      stop();
      throw new Error(`the FIFO writer never started waiting (wchan ${JSON.stringify(wchan)})`);
    }
  }
  return { opened: () => output.includes("opened"), stop };
}

/** Opens every FIFO in `paths` for writing without blocking, so a reader stuck in open(2) on one returns. */
export function releaseStuckReaders(paths: readonly string[]): string[] {
  const released: string[] = [];
  for (const fifo of paths) {
    try {
      if (!lstatSync(fifo).isFIFO()) continue;
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      released.push(fifo);
    } catch (error) {
      // ENXIO: nobody is reading it, nothing to release. ENOENT: it is under its other name right now.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENXIO" && code !== "ENOENT") throw error;
    }
  }
  return released;
}
