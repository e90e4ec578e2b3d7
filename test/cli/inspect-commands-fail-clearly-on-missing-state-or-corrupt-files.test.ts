import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../support/cli-process.js";
import { makeInspectState } from "./helpers/inspect-fixture.js";

const COMMANDS = [
  ["status"],
  ["log"],
  ["goals"],
  ["skills"],
  ["lessons", "list"],
  ["lessons", "show", "L1"],
  ["lessons", "pin", "L1"],
  ["lessons", "forget", "L1"],
];

/** A clear refusal: exit 2, one `apprentice:` line naming the problem, and no stack trace. */
function assertClearRefusal(result: { code: number | string; output: string }, pattern: RegExp, what: string): void {
  assert.equal(result.code, 2, `${what}: ${result.output}`);
  assert.match(result.output, pattern, what);
  assert.doesNotMatch(result.output, /^\s+at .+:\d+:\d+\)?$/m, `${what} printed a stack trace`);
}

test("every inspect and steer command refuses a state dir that does not exist, with exit 2, and does not create it", async (t) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), "apprentice-missing-"));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const missing = path.join(parent, "nope");
  for (const command of COMMANDS) {
    const result = await runCli([...command, "--state", missing]);
    assertClearRefusal(
      result,
      /^apprentice: .*nope is not a state dir\. Create one with `apprentice init/m,
      command.join(" "),
    );
  }
  await assert.rejects(stat(missing), /ENOENT/);
});

test("a corrupt db.json is reported with exit 2 and left where it is, not quarantined", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  await writeFile(path.join(dir, "db.json"), "{ not json");
  for (const command of [["status"], ["goals"], ["skills"], ["lessons", "list"], ["lessons", "pin", "L1"]]) {
    const result = await runCli([...command, "--state", dir]);
    assertClearRefusal(
      result,
      /^apprentice: .*db\.json cannot be read \(invalid JSON: .*\)\. It was left as it is/m,
      command.join(" "),
    );
  }
  assert.equal(await readFile(path.join(dir, "db.json"), "utf8"), "{ not json");
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.includes("corrupt")),
    [],
  );
  await assert.rejects(stat(path.join(dir, "daemon.lock")), /ENOENT/, "the lock taken by pin is released");
});

test("a config.json that is not JSON is reported by status with exit 2 and not moved", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  await writeFile(path.join(dir, "config.json"), "{ oops");
  const result = await runCli(["status", "--state", dir]);
  assertClearRefusal(result, /^apprentice: .*config\.json is not valid JSON/m, "status");
  assert.equal(await readFile(path.join(dir, "config.json"), "utf8"), "{ oops");
});

test("an unknown lesson id gives exit 2 and says where the ids are", async (t) => {
  const { dir, cleanup } = await makeInspectState();
  t.after(cleanup);
  for (const command of [
    ["lessons", "show", "L99"],
    ["lessons", "pin", "L99"],
    ["lessons", "retire", "nonsense"],
  ]) {
    const result = await runCli([...command, "--state", dir]);
    assertClearRefusal(
      result,
      /^apprentice: there is no lesson ".*"; `apprentice lessons list` shows the ids/m,
      command.join(" "),
    );
  }
  const badStatus = await runCli(["lessons", "list", "--status", "shiny", "--state", dir]);
  assertClearRefusal(
    badStatus,
    /^apprentice: --status must be one of provisional, trusted, pinned, retired/m,
    "list --status shiny",
  );
});
