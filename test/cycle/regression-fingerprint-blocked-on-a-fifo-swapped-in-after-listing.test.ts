import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fingerprintWorkspace } from "../../src/cycle/world-fingerprint.js";
import { releaseStuckReaders, waitForReader } from "../support/fifo-writer.js";
import { startSwapping } from "../support/swap-loop.js";
import { makeTempDir } from "../tools/tool-context.js";

/** Fingerprints made while `f.txt` flips; enough to land in the window between the listing and the open many times. */
const ROUNDS = 300;
/** One fingerprint of this small workspace takes about a millisecond; one that waits on a FIFO never ends. */
const DEADLINE_MS = 1000;

test("regression: a FIFO swapped in after the listing neither blocks the fingerprint nor is opened by it", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "notes"));
  for (let index = 0; index < 20; index++)
    await writeFile(path.join(workspace, "notes", `n${index}.txt`), `note ${index}\n`);
  const target = path.join(workspace, "notes", "f.txt");
  const fifo = path.join(workspace, ".fifo");
  await writeFile(target, "a regular file\n");
  execFileSync("mkfifo", [fifo]);
  const writer = await waitForReader(fifo);
  t.after(() => writer.stop());

  const swapping = startSwapping(target, fifo, path.join(workspace, ".parked"));
  let slowestMs = 0;
  let stuck = false;
  try {
    for (let round = 0; round < ROUNDS && !stuck; round++) {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"stuck">((resolve) => (timer = setTimeout(() => resolve("stuck"), DEADLINE_MS)));
      stuck = (await Promise.race([fingerprintWorkspace(workspace), deadline])) === "stuck";
      clearTimeout(timer);
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
  } finally {
    const swaps = swapping.stop();
    // A fingerprint stuck in open(2) holds a thread of the pool for good; free it before failing.
    const released = stuck ? releaseStuckReaders([target, fifo]) : [];
    assert.equal(
      stuck,
      false,
      `a fingerprint waited on the FIFO for over ${DEADLINE_MS} ms (released ${released.length})`,
    );
    assert.equal(writer.opened(), false, "the fingerprint opened the FIFO (its waiting writer woke up)");
    assert.ok(swaps >= ROUNDS, `only ${swaps} swaps in ${ROUNDS} fingerprints: the race did not interleave`);
  }
  assert.ok(slowestMs < DEADLINE_MS, `the slowest fingerprint took ${Math.round(slowestMs)} ms`);
});
