// What a child writes on a piped stream (native code in the model process writing to its stdout) becomes one logger
// line per line, and the stream never keeps the parent alive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { logStrayLines } from "../../src/brain/log-stray-lines.js";

test("each line a child prints on stdout is handed to the log, empty lines skipped, a last line without newline kept", async () => {
  const child = spawn(process.execPath, ["-e", String.raw`process.stdout.write("load: first\n\n  second  \nthird")`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  logStrayLines(child.stdout, (line) => lines.push(line));
  await once(child.stdout, "close");
  assert.deepEqual(lines, ["load: first", "  second", "third"]);
});
