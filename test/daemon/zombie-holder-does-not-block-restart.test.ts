import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { acquireStateLock } from "../../src/daemon/state-lock.js";
import { createMemoryLogger } from "../../src/log.js";

const LOCK_MODULE = fileURLToPath(new URL("../../src/daemon/state-lock.js", import.meta.url));

test("a holder killed with SIGKILL but not yet reaped (a zombie) does not block the next start", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-zombie-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = `import { acquireStateLock } from ${JSON.stringify(LOCK_MODULE)};
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const lock = await acquireStateLock(${JSON.stringify(dir)}, { logger });
process.stdout.write(lock.ok ? "locked\\n" : "refused\\n");
setInterval(() => {}, 1000);
`;
  await writeFile(path.join(dir, "holder.mjs"), script);
  // The holder's parent execs into sleep, which never reaps children: once killed, the holder stays a zombie.
  const parent = spawn(
    "sh",
    ["-c", `"${process.execPath}" "${path.join(dir, "holder.mjs")}" & echo "pid $!"; exec sleep 60`],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  t.after(() => parent.kill("SIGKILL"));
  let out = "";
  parent.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  while (!out.includes("locked")) await sleep(20);
  const holderPid = Number(/pid (\d+)/.exec(out)?.[1]);
  process.kill(holderPid, "SIGKILL");
  let zombie = false;
  for (let i = 0; i < 200 && !zombie; i++) {
    zombie = /\) Z /.test(await readFile(`/proc/${holderPid}/stat`, "utf8"));
    if (!zombie) await sleep(10);
  }
  assert.ok(zombie, "the killed holder is a zombie, as right after kill -9");
  const lock = await acquireStateLock(dir, { logger: createMemoryLogger() });
  assert.equal(lock.ok, true, lock.ok ? "" : lock.message);
  if (lock.ok) await lock.release();
});
