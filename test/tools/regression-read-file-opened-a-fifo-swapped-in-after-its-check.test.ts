import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { appendFileTool } from "../../src/tools/append-file.js";
import { readFileTool } from "../../src/tools/read-file.js";
import type { Tool } from "../../src/tools/tool.js";
import { writeFileTool } from "../../src/tools/write-file.js";
import { releaseStuckReaders, waitForReader } from "../support/fifo-writer.js";
import { startSwapping } from "../support/swap-loop.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

/** Calls per tool while `f.txt` flips between a regular file and a FIFO. */
const ROUNDS = 200;

for (const tool of [readFileTool, appendFileTool, writeFileTool] satisfies Tool[]) {
  test(`regression: ${tool.name} never opens a FIFO swapped in after its check (a writer waiting on it stays waiting)`, async (t) => {
    const workspace = await makeTempDir(t);
    const target = path.join(workspace, "f.txt");
    const fifo = path.join(workspace, ".fifo");
    await writeFile(target, "a regular file\n");
    execFileSync("mkfifo", [fifo]);
    const writer = await waitForReader(fifo);
    t.after(() => writer.stop());
    const context = makeToolContext(workspace);

    const swapping = startSwapping(target, fifo, path.join(workspace, ".parked"));
    const errors = new Set<string>();
    let swaps = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const outcome = await tool.execute({ path: "f.txt", content: "x" }, context);
        if (!outcome.ok) errors.add(outcome.error);
      }
    } finally {
      swaps = swapping.stop();
      releaseStuckReaders([target, fifo]);
    }
    assert.equal(writer.opened(), false, `${tool.name} opened the FIFO; its refusals: ${[...errors].join(" | ")}`);
    assert.ok(swaps >= ROUNDS, `only ${swaps} swaps in ${ROUNDS} calls: the race did not interleave`);
  });
}
