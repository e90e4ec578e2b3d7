// The `disk` tool reports what `df` reports for the filesystem holding the workspace, from one statfs call; it is
// read-only, not world content, and offered only when config `tools.enabled` lists it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile, statfs } from "node:fs/promises";
import path from "node:path";
import { findToolBranch } from "../../src/brain/action-schema.js";
import { parseConfig } from "../../src/config.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { describeDiskUsage, diskTool, diskUsageOf, formatBytes } from "../../src/tools/disk.js";
import { builtinRegistry, defaultTools } from "../../src/tools/registry.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("usage follows df: used is blocks minus free, available is what a user may take, percent is rounded up", () => {
  const usage = diskUsageOf({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 });
  assert.deepEqual(usage, { totalBytes: 4_096_000, usedBytes: 2_867_200, availableBytes: 1_024_000, usedPercent: 74 });
  assert.equal(
    diskUsageOf({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }).usedPercent,
    0,
    "an empty pseudo filesystem is 0%, not NaN",
  );
  assert.equal(describeDiskUsage(usage), "disk: 3.9 MiB total, 2.7 MiB used, 1000 KiB available, 74% used");
});

test("sizes show in binary units, one decimal below 10", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 KiB");
  assert.equal(formatBytes(27 * 1024 ** 3), "27 GiB");
  assert.equal(formatBytes(3.44 * 1024 ** 4), "3.4 TiB");
});

test("on a real directory it reports the same total and, within a point, the same percent as df", async (t) => {
  const workspace = await makeTempDir(t);
  const outcome = await diskTool.execute({}, makeToolContext(workspace));
  assert.ok(outcome.ok, "disk reads a real filesystem");
  assert.match(outcome.output, /^disk: [\d.]+ \S+ total, [\d.]+ \S+ used, [\d.]+ \S+ available, \d+% used$/);
  const [size, pcent] =
    execFileSync("df", ["-B1", "--output=size,pcent", workspace], { encoding: "utf8" })
      .trim()
      .split("\n")[1]
      ?.trim()
      .split(/\s+/) ?? [];
  const usage = diskUsageOf(await statfs(workspace));
  assert.equal(usage.totalBytes, Number(size));
  const shown = Number(/(\d+)% used$/.exec(outcome.output)?.[1]);
  assert.ok(Math.abs(shown - Number.parseInt(pcent ?? "", 10)) <= 1, `${shown}% against df's ${pcent}`);
});

test("a workspace that is gone is a failed outcome naming the OS error, not a throw", async (t) => {
  const missing = path.join(await makeTempDir(t), "gone");
  assert.deepEqual(await diskTool.execute({}, makeToolContext(missing)), {
    ok: false,
    error: "could not read the disk usage: ENOENT: no such file or directory",
  });
});

test("disk is read-only, not world content, takes no arguments and is opt-in", () => {
  assert.deepEqual(
    {
      effect: diskTool.effect,
      taint: diskTool.taint,
      freeTextKeys: diskTool.freeTextKeys,
      masking: diskTool.masking,
      enabledByDefault: diskTool.enabledByDefault,
    },
    { effect: false, taint: false, freeTextKeys: [], masking: "failures", enabledByDefault: false },
  );
  assert.deepEqual(
    diskTool.argsSchema({
      allowCommands: [],
      commandArgs: {},
      files: [],
      dirs: [],
      limits: { maxFileBytes: 1, maxOutputBytes: 1, commandTimeoutMs: 1 },
    }),
    {
      type: "object",
      properties: {},
      required: [],
      additionalProperties: false,
    },
  );
  assert.equal(builtinRegistry.find("disk"), diskTool);
  assert.ok(!defaultTools.includes(diskTool), "not among the tools offered by default");
  assert.ok(!parseConfig({}, "config.json").tools.enabled.includes("disk"), "config's default leaves it out");
  assert.deepEqual(parseConfig({ tools: { enabled: ["disk", "finish"] } }, "config.json").tools.enabled, [
    "disk",
    "finish",
  ]);
});

test("a cycle offers disk only when config tools.enabled lists it, and then the model's disk step runs", async (t) => {
  const DISK = '{"thought":"space?","tool":"disk","args":{}}';
  for (const enabled of [undefined, ["disk", "write_file"]]) {
    const { dir, cleanup } = await makeStateDir({
      ...(enabled !== undefined ? { config: { tools: { enabled } } } : {}),
    });
    t.after(cleanup);
    const logger = createMemoryLogger();
    const state = await openState(dir, { logger, clock: () => new Date() });
    try {
      const brain = new ScriptedBrain([DISK]);
      const cycle = await runCycle(buildCycleDeps(state, { brain, logger, clock: () => new Date() }));
      assert.equal(cycle.status, "ran");
      const schema = brain.schemas[0];
      assert.ok(schema !== undefined, "the model was asked");
      const lines = (await readFile(path.join(dir, "episodes.jsonl"), "utf8")).split("\n").filter(Boolean);
      const steps = lines.map((line) => JSON.parse(line) as { tool?: string; ok?: boolean; output?: string });
      const diskStep = steps.find((step) => step.tool === "disk");
      if (enabled === undefined) {
        assert.equal(findToolBranch(schema, "disk"), undefined, "not offered by default");
        assert.ok(findToolBranch(schema, "list_dir") !== undefined, "the default tools are");
        assert.equal(diskStep, undefined, "the model's disk reply was refused: no disk step ran");
        assert.ok(
          steps.some((step) => step.tool === "(invalid-output)"),
          "it was recorded as invalid output",
        );
      } else {
        assert.ok(findToolBranch(schema, "disk") !== undefined, "offered once enabled");
        assert.equal(findToolBranch(schema, "list_dir"), undefined, "and only what is enabled (finish always)");
        assert.equal(diskStep?.ok, true);
        assert.match(diskStep?.output ?? "", /^disk: .* total, .* used, .* available, \d+% used$/);
      }
    } finally {
      await state.close();
    }
  }
});
