import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { parseConfig } from "../../src/config.js";
import { checkSandboxPreflight } from "../../src/daemon/sandbox-preflight.js";
import { DEFAULT_SANDBOX_SETTINGS } from "../../src/tools/sandbox-settings.js";
import { makeStateDir } from "../support/state-fixture.js";

const NO_COMMANDS = { tools: { allowCommands: [] } };

test("a goal with a check under mode bwrap without bwrap is an operator error naming the goal and the remedy", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const missing = { ...DEFAULT_SANDBOX_SETTINGS, bwrapPath: path.join(dir, "no-bwrap") };
  const result = await checkSandboxPreflight(
    parseConfig(NO_COMMANDS, "config.json"),
    path.join(dir, "goals.yaml"),
    missing,
  );
  assert.equal(result.ok, false);
  assert.match(
    result.ok ? "" : result.message,
    /^goal shopping-list has a check, but commands cannot run: no sandbox: .*no-bwrap: ENOENT.*install bubblewrap/,
  );
});

test("allowlisted commands for an enabled run tool need the sandbox too; with nothing to run, a missing bwrap is only a warning", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false, goalsYaml: "version: 1\ngoals: []\n" });
  t.after(cleanup);
  const goals = path.join(dir, "goals.yaml");
  const missing = { ...DEFAULT_SANDBOX_SETTINGS, bwrapPath: path.join(dir, "no-bwrap") };
  const withRun = await checkSandboxPreflight(parseConfig({}, "config.json"), goals, missing);
  assert.match(
    withRun.ok ? "" : withRun.message,
    /^the run tool is enabled with 5 allowlisted command\(s\), but commands cannot run: no sandbox/,
  );
  const runOff = await checkSandboxPreflight(
    parseConfig({ tools: { enabled: ["finish", "note"] } }, "config.json"),
    goals,
    missing,
  );
  assert.equal(runOff.ok, true);
  assert.equal(runOff.ok ? runOff.level : "", "warn");
  const nothing = await checkSandboxPreflight(parseConfig(NO_COMMANDS, "config.json"), goals, missing);
  assert.equal(nothing.ok, true);
});

test("mode none passes with a warning, and a working bwrap passes with what it can do", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const goals = path.join(dir, "goals.yaml");
  const none = await checkSandboxPreflight(parseConfig({ sandbox: { mode: "none" } }, "config.json"), goals);
  assert.deepEqual(none.ok ? [none.level, /without an OS sandbox/.test(none.note)] : [], ["warn", true]);
  const real = await checkSandboxPreflight(parseConfig({}, "config.json"), goals);
  assert.ok(
    real.ok && real.level === "info" && /^commands and checks run in the sandbox: bwrap /.test(real.note),
    JSON.stringify(real),
  );
});
