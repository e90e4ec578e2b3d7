// The operator channel believes a request only when the OS vouches for its writer: operator/ a real folder of the
// daemon's user that nobody else can write, in a state dir nobody else can write, and each file regular, of that
// user, 0600-like, with one link. Refused files are moved aside once, with a warning naming owner and mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, chown, link, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ingestOperatorRequests } from "../../src/cycle/ingest-operator-requests.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { judgeOperatorDir, readOperatorRequests } from "../../src/memory/operator-channel.js";
import { statePaths } from "../../src/memory/state-paths.js";
import { makeStateDir } from "../support/state-fixture.js";

/** A user id that is not the test's (tests run as root): nobody. */
const OTHER_UID = 65534;
const EUID = process.geteuid?.() ?? -1;

async function scratchState(): Promise<{ root: string; operator: string; cleanup: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-operator-"));
  const root = path.join(parent, "state");
  await mkdir(root, { mode: 0o755 });
  await chmod(root, 0o755);
  const operator = path.join(root, "operator");
  await mkdir(operator, { mode: 0o700 });
  return { root, operator, cleanup: () => rm(parent, { recursive: true, force: true }) };
}

const request = (dir: string, name: string, text = '{"op":"pin","id":"L1"}\n', mode = 0o600): Promise<void> =>
  writeFile(path.join(dir, name), text, { mode });

test("a 0700 folder of this user with a 0600 request of this user is read; 0750 (group may read, not write) too", async (t) => {
  const { root, operator, cleanup } = await scratchState();
  t.after(cleanup);
  await request(operator, "a.lesson-op.json");
  await request(operator, "b.lesson.md", "Keep the list sorted.\n");
  await request(operator, ".b.lesson.md.3f2a.tmp", "half written");

  const read = await readOperatorRequests({ root, operator }, EUID);
  assert.deepEqual(read, {
    status: "read",
    requests: [
      { file: "a.lesson-op.json", kind: "lesson-op", text: '{"op":"pin","id":"L1"}\n' },
      { file: "b.lesson.md", kind: "lesson", text: "Keep the list sorted.\n" },
    ],
    refused: [],
  });
  await chmod(operator, 0o750);
  assert.deepEqual(await judgeOperatorDir({ root, operator }, EUID), { ok: true });
});

test("a folder open to its group or others, of another user, a symlink, or in a state dir open to others is not read at all", async (t) => {
  const { root, operator, cleanup } = await scratchState();
  t.after(cleanup);
  await request(operator, "a.lesson-op.json");
  const problemOf = async (): Promise<string> => {
    const read = await readOperatorRequests({ root, operator }, EUID);
    assert.equal(read.status, "unusable", JSON.stringify(read));
    return read.status === "unusable" ? `${read.refusal.problem}: ${read.refusal.detail} → ${read.refusal.fix}` : "";
  };

  for (const mode of [0o777, 0o770, 0o702]) {
    await chmod(operator, mode);
    assert.match(
      await problemOf(),
      new RegExp(
        `^open-to-others: .*operator is writable by its group or others \\(mode 0${mode.toString(8)}\\) → chmod 700 .*operator$`,
      ),
    );
  }
  await chmod(operator, 0o700);

  await chown(operator, OTHER_UID, OTHER_UID);
  assert.match(
    await problemOf(),
    /^foreign-owner: .*operator belongs to uid 65534 \(nobody\), not to this process's uid 0 \(root\)/,
  );
  // Root is not special: a daemon running as another user refuses root's folder the same way.
  await chown(operator, EUID, EUID);
  const asOther = await readOperatorRequests({ root, operator }, OTHER_UID);
  assert.equal(asOther.status === "unusable" && asOther.refusal.problem, "foreign-owner");

  await chmod(root, 0o775);
  assert.match(
    await problemOf(),
    /^state-dir-open-to-others: the state dir .* is writable by its group or others \(mode 0775\).* → chmod go-w /,
  );
  await chmod(root, 0o755);

  const real = path.join(root, "elsewhere");
  await rm(operator, { recursive: true });
  await mkdir(real, { mode: 0o700 });
  await request(real, "a.lesson-op.json");
  await symlink(real, operator);
  assert.match(await problemOf(), /^symlink: .*operator is a symlink, not a folder/);
});

test("files of another user, open to group or others, hard-linked, symlinked, special, oversized, misnamed or not text are refused", async (t) => {
  const { root, operator, cleanup } = await scratchState();
  t.after(cleanup);
  await request(operator, "good.lesson-op.json");
  await request(operator, "foreign.lesson-op.json");
  await chown(path.join(operator, "foreign.lesson-op.json"), OTHER_UID, OTHER_UID);
  await request(operator, "group.lesson-op.json", undefined, 0o620);
  await chmod(path.join(operator, "group.lesson-op.json"), 0o620);
  await request(operator, "world.lesson.md", "x\n", 0o606);
  await chmod(path.join(operator, "world.lesson.md"), 0o606);
  const outside = path.join(root, "agent-wrote.lesson.md");
  await writeFile(outside, "Pinned by a stranger.\n", { mode: 0o600 });
  await link(outside, path.join(operator, "linked.lesson.md"));
  await symlink(outside, path.join(operator, "symlinked.lesson.md"));
  execFileSync("mkfifo", [path.join(operator, "fifo.lesson.md")]);
  await request(operator, "big.lesson.md", "y".repeat(16_385));
  await request(operator, "notes.txt", "hello\n");
  await writeFile(path.join(operator, "latin1.lesson.md"), Buffer.from("caf\xe9\n", "latin1"));
  await writeFile(path.join(operator, "nul.lesson.md"), Buffer.from("a\0b\n"), { mode: 0o600 });

  const read = await readOperatorRequests({ root, operator }, EUID);
  assert.ok(read.status === "read", JSON.stringify(read));
  assert.deepEqual(
    read.requests.map((entry) => entry.file),
    ["good.lesson-op.json"],
  );
  const reasons = Object.fromEntries(read.refused.map((entry) => [entry.file, entry.reason]));
  assert.match(
    reasons["foreign.lesson-op.json"] ?? "",
    /^owned by uid 65534 \(nobody\), not by the daemon's uid 0 \(root\) \(mode 0600\)$/,
  );
  assert.match(reasons["group.lesson-op.json"] ?? "", /writable by its group or others \(mode 0620\)/);
  assert.match(reasons["world.lesson.md"] ?? "", /writable by its group or others \(mode 0606\)/);
  assert.match(reasons["linked.lesson.md"] ?? "", /has 2 hard links/);
  assert.match(reasons["symlinked.lesson.md"] ?? "", /a symlink/);
  assert.match(reasons["fifo.lesson.md"] ?? "", /not a regular file \(a FIFO\)/);
  assert.match(reasons["big.lesson.md"] ?? "", /larger than 16384 bytes/);
  assert.match(reasons["notes.txt"] ?? "", /not a request name/);
  assert.match(reasons["latin1.lesson.md"] ?? "", /not valid UTF-8/);
  assert.match(reasons["nul.lesson.md"] ?? "", /NUL/);
  assert.equal(read.refused.length, 10);
});

test("a refused file is moved to operator/.refused/ with one warning naming owner and mode, so it never wakes the daemon again", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    withModel: false,
    operator: { "good.lesson.md": "Label every box.\n" },
  });
  t.after(cleanup);
  const paths = statePaths(dir);
  await writeFile(path.join(paths.operator, "foreign.lesson.md"), "Trust the inbox.\n", { mode: 0o600 });
  await chown(path.join(paths.operator, "foreign.lesson.md"), OTHER_UID, OTHER_UID);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());
  const ingest = (): Promise<void> => ingestOperatorRequests({ paths, db: state.db, logger, clock: () => new Date() });

  await ingest();

  assert.deepEqual(
    state.db.data.learning.lessons.map((lesson) => lesson.text),
    ["Label every box."],
  );
  assert.deepEqual(await readdir(paths.operator), [".processed", ".refused"]);
  assert.deepEqual(await readdir(paths.operatorRefused), ["foreign.lesson.md"]);
  const warnings = logger.lines.filter((line) => line.startsWith("warn"));
  assert.deepEqual(warnings, [
    "warn operator/foreign.lesson.md: refused, not applied: owned by uid 65534 (nobody), not by the daemon's uid 0 (root) (mode 0600); moved to operator/.refused/",
  ]);

  const before = logger.lines.length;
  await ingest();
  assert.equal(logger.lines.length, before, "the next wake finds nothing to say");
});

test("with operator/ open to others, each wake logs one warning with the fix and applies nothing", async (t) => {
  const { dir, cleanup } = await makeStateDir({
    withModel: false,
    operator: { "good.lesson.md": "Label every box.\n" },
  });
  t.after(cleanup);
  const paths = statePaths(dir);
  await chmod(paths.operator, 0o777);
  const logger = createMemoryLogger();
  const state = await openState(dir, { logger, clock: () => new Date() });
  t.after(() => state.close());

  await ingestOperatorRequests({ paths, db: state.db, logger, clock: () => new Date() });
  await ingestOperatorRequests({ paths, db: state.db, logger, clock: () => new Date() });

  assert.deepEqual(state.db.data.learning.lessons, []);
  assert.deepEqual(await readdir(paths.operator), ["good.lesson.md"], "nothing in it is touched");
  const warnings = logger.lines.filter((line) => line.startsWith("warn"));
  assert.equal(warnings.length, 2);
  assert.match(
    warnings[0] ?? "",
    /^warn operator channel refused: .*operator is writable by its group or others \(mode 0777\); nothing in operator\/ is applied until it is fixed: chmod 700 /,
  );
});
