import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, symlink } from "node:fs/promises";
import path from "node:path";
import { runCheck } from "../../src/cycle/run-check.js";
import { runCommandTool } from "../../src/tools/run-command.js";
import { DEFAULT_SANDBOX_SETTINGS, type SandboxSettings } from "../../src/tools/sandbox-settings.js";
import { makeTempDir, makeToolContext, testLimits } from "./tool-context.js";

const REFUSAL =
  /no sandbox: .*bwrap: ENOENT.*; install bubblewrap \(apt install bubblewrap\) or set sandbox\.mode to "none" in config\.json$/;

test("with sandbox mode bwrap and no bwrap, run refuses before anything runs", async (t) => {
  const workspace = await makeTempDir(t);
  const missing: SandboxSettings = {
    ...DEFAULT_SANDBOX_SETTINGS,
    bwrapPath: path.join(workspace, "no-such-dir", "bwrap"),
  };
  const context = makeToolContext(workspace, { allowCommands: ["touch"], sandbox: missing });
  const outcome = await runCommandTool.execute({ command: "touch", args: ["ran"] }, context);
  assert.equal(outcome.ok, false);
  assert.match(outcome.ok ? "" : outcome.error, /^touch not started: /);
  assert.match(outcome.ok ? "" : outcome.error, REFUSAL);
  assert.equal("output" in outcome, false, "nothing ran, so there is no output");
  assert.deepEqual(await readdir(workspace), []);
});

test("with sandbox mode bwrap and no bwrap, a goal check fails as cannot start and runs nothing", async (t) => {
  const workspace = await makeTempDir(t);
  const missing: SandboxSettings = {
    ...DEFAULT_SANDBOX_SETTINGS,
    bwrapPath: path.join(workspace, "no-such-dir", "bwrap"),
  };
  const result = await runCheck("touch ran; true", {
    cwd: workspace,
    timeoutMs: 2000,
    maxOutputBytes: 1024,
    sandbox: missing,
  });
  assert.equal(result.passed, false);
  assert.match(result.exitDescription, /^cannot start: no sandbox: /);
  assert.match(result.exitDescription, REFUSAL);
  assert.deepEqual(await readdir(workspace), []);
});

test("mode none is the explicit opt-out: the same command and check run bare, whatever bwrapPath says", async (t) => {
  const workspace = await makeTempDir(t);
  const none: SandboxSettings = {
    ...DEFAULT_SANDBOX_SETTINGS,
    mode: "none",
    bwrapPath: path.join(workspace, "no-such-dir", "bwrap"),
  };
  const context = makeToolContext(workspace, { allowCommands: ["touch"], sandbox: none, limits: testLimits });
  const outcome = await runCommandTool.execute({ command: "touch", args: ["ran"] }, context);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.error);
  const result = await runCheck("test -f ran", {
    cwd: workspace,
    timeoutMs: 2000,
    maxOutputBytes: 1024,
    sandbox: none,
  });
  assert.equal(result.passed, true, result.exitDescription);
});

test("a workspace that is a symbolic link is never bound: run refuses (bwrap would bind the link's target writable)", async (t) => {
  const dir = await makeTempDir(t);
  await mkdir(path.join(dir, "elsewhere"));
  await symlink(path.join(dir, "elsewhere"), path.join(dir, "workspace"));
  const context = makeToolContext(path.join(dir, "workspace"), { allowCommands: ["touch"] });
  const outcome = await runCommandTool.execute({ command: "touch", args: ["ran"] }, context);
  assert.equal(outcome.ok, false);
  assert.match(outcome.ok ? "" : outcome.error, /is a symbolic link; it must be a real folder/);
  assert.deepEqual(await readdir(path.join(dir, "elsewhere")), []);
});
