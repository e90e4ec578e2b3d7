// Regression: the inbox reader checked a name with lstat and then opened it by path, so whoever writes inbox/ could
// swap the name for a symlink to a file only the daemon may read (its db.json, a key) and have it shown to the model
// as a message, or for a FIFO whose open blocked the daemon's wake forever. Messages are now opened with
// O_NOFOLLOW|O_NONBLOCK and judged by fstat on their own descriptor.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readInbox } from "../../src/memory/inbox.js";
import { startSwapping } from "../support/swap-loop.js";

const CANARY = "daemon-only-canary-5d1e";

async function makeInbox(t: {
  after: (fn: () => Promise<void>) => void;
}): Promise<{ dir: string; inbox: string; secret: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-inbox-race-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const inbox = path.join(dir, "inbox");
  await mkdir(inbox);
  const secret = path.join(dir, "db.json");
  await writeFile(secret, `{"secret":"${CANARY}"}\n`);
  return { dir, inbox, secret };
}

test("a message name swapped for a symlink to a daemon-only file, over and over, never shows that file", async (t) => {
  const { dir, inbox, secret } = await makeInbox(t);
  await writeFile(path.join(inbox, "m.md"), "an honest message\n");
  await symlink(secret, path.join(dir, "link"));
  const swapper = startSwapping(path.join(inbox, "m.md"), path.join(dir, "link"), path.join(dir, "parked"));
  let read = 0;
  try {
    for (let round = 0; round < 300; round++) {
      const { messages } = await readInbox(inbox);
      for (const message of messages)
        assert.doesNotMatch(
          message.text,
          new RegExp(CANARY),
          `round ${round}: the symlink's target was read as a message`,
        );
      read += messages.length;
    }
  } finally {
    t.diagnostic(`${swapper.stop()} swaps; the honest message was read ${read} times in 300 rounds`);
  }
  assert.ok(read > 0, "the race let the real message through sometimes, so the reader was exercised");
});

// No writer ever opens the FIFO: a blocking open of it for reading would wait forever (the test's timeout ends it).
test(
  "a FIFO swapped in for a message never blocks the reader, and a hard link to another file is left alone",
  { timeout: 30_000 },
  async (t) => {
    const { dir, inbox, secret } = await makeInbox(t);
    await writeFile(path.join(inbox, "m.md"), "an honest message\n");
    execFileSync("mkfifo", [path.join(dir, "fifo")]);
    const swapper = startSwapping(path.join(inbox, "m.md"), path.join(dir, "fifo"), path.join(dir, "parked"));
    const started = Date.now();
    try {
      for (let round = 0; round < 300; round++) await readInbox(inbox);
    } finally {
      swapper.stop();
    }
    assert.ok(Date.now() - started < 10_000, "300 reads ended (a blocked open never would)");

    await rm(path.join(inbox, "m.md"), { force: true });
    await rm(path.join(dir, "fifo"), { force: true });
    await link(secret, path.join(inbox, "linked.md"));
    const { messages, skipped } = await readInbox(inbox);
    assert.deepEqual(messages, []);
    assert.deepEqual(skipped, ["linked.md: a file with 2 hard links, left alone"]);
  },
);
