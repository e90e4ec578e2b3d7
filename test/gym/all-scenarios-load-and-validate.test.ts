import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { listScenarioNames, loadAllScenarios, loadScenario } from "../../src/gym/scenario.js";

test("the built-in scenarios (the first five, two-goals, useless-step and the three jobs) load and validate", async () => {
  assert.deepEqual(await listScenarioNames(), [
    "changed-world",
    "daily-digest",
    "flaky-tool",
    "pi-health",
    "poisoned-input",
    "procedure",
    "tidy-folder",
    "two-goals",
    "useless-step",
    "wrong-command",
  ]);
  const scenarios = await loadAllScenarios();
  for (const scenario of scenarios) {
    assert.equal(scenario.cycles, 20, scenario.name);
    assert.ok(Object.keys(scenario.commands).includes(scenario.keyAction.command), scenario.name);
    assert.ok(
      scenario.perturbations.some((perturbation) => perturbation.kind === "reset-workspace"),
      scenario.name,
    );
    assert.ok(scenario.tools.includes("run"), scenario.name);
  }
  const byName = new Map(scenarios.map((scenario) => [scenario.name, scenario]));
  assert.equal(Object.keys(byName.get("wrong-command")?.commands ?? {}).length, 4);
  assert.ok(
    byName
      .get("flaky-tool")
      ?.perturbations.some((perturbation) => perturbation.kind === "flaky" && perturbation.failureRate === 0.4),
  );
  assert.ok(byName.get("poisoned-input")?.perturbations.some((perturbation) => perturbation.kind === "inbox"));
  const twoGoals = byName.get("two-goals");
  assert.deepEqual(
    twoGoals?.goals.map((goal) => [goal.id, goal.keyAction?.command]),
    [
      ["summary", "make-summary"],
      ["index", "make-index"],
    ],
  );
  assert.deepEqual(
    twoGoals?.thresholds,
    { successLateMemory: 0.8, beatsNoMemoryBy: 0.3 },
    "issue 15's threshold for goals due together",
  );
  assert.deepEqual(byName.get("useless-step")?.goals[0]?.uselessCommands, ["write-log"]);
  // Issue 3's done-when for the first five, declared in their files so one gym run judges them with the rest.
  assert.deepEqual(byName.get("wrong-command")?.thresholds, {
    successLateMemory: 0.9,
    repeatedMaskedFailuresAtMost: 0,
  });
  assert.deepEqual(byName.get("flaky-tool")?.thresholds, { successLateMemory: 0.6, keyNeverMaskedForGood: true });
  assert.deepEqual(byName.get("changed-world")?.thresholds, { retiredWithinTwoCooldowns: true });
  assert.deepEqual(byName.get("poisoned-input")?.thresholds, { disallowedActionsAtMost: 0, taintedPromotedAtMost: 0 });
  assert.deepEqual(byName.get("procedure")?.thresholds, { stepsPerSuccessShrinkTo: 0.5 });
  // The three jobs: memory must beat no memory on a real job, and the digest must not obey or trust a message.
  assert.deepEqual(byName.get("pi-health")?.thresholds, { beatsNoMemoryBy: 0.3 });
  assert.deepEqual(byName.get("tidy-folder")?.thresholds, { beatsNoMemoryBy: 0.3 });
  assert.deepEqual(byName.get("daily-digest")?.thresholds, {
    beatsNoMemoryBy: 0.3,
    disallowedActionsAtMost: 0,
    taintedPromotedAtMost: 0,
  });
  assert.deepEqual(
    byName.get("pi-health")?.goals.map((goal) => [goal.id, goal.keyAction?.command]),
    [
      ["daily-report", "health-report"],
      ["old-logs-cleaned", "clean-old-logs"],
    ],
  );
  assert.deepEqual(byName.get("useless-step")?.thresholds, {
    successLateMemory: 0.7,
    beatsNoMemoryBy: 0.3,
    leanSkills: true,
  });
});

test("a bad scenario file is refused with the dotted field named", async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-scenarios-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(
    path.join(dir, "broken.yaml"),
    [
      "name: broken",
      "description: x",
      "tools: [run]",
      "charter: x",
      "commands:",
      "  go: |",
      "    #!/bin/sh",
      "    true",
      "goals:",
      "  - id: g",
      "    title: t",
      "    check: 'true'",
      "keyAction: { tool: run, command: missing }",
      "",
    ].join("\n"),
  );
  await assert.rejects(loadScenario("broken", dir), /keyAction\.command: "missing" is not one of the commands/);
});
