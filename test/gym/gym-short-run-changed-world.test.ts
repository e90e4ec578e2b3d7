import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fingerprintWorkspace } from "../../src/cycle/world-fingerprint.js";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("changed-world: make-report works only once the flag is up, the flag leaves the world fingerprint alone, and a short real run keeps the invariants", async (t) => {
  const scenario = await loadScenario("changed-world");
  const change = scenario.perturbations.find((perturbation) => perturbation.kind === "world-change");
  assert.equal(change?.kind === "world-change" ? change.fromCycle : undefined, 8);

  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  const before = await fingerprintWorkspace(hand.workspace);
  assert.notEqual(await runCommandByHand(hand.stateDir, "make-report"), 0);
  assert.notEqual(await runCommandByHand(hand.stateDir, "make-report"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  // What the runner does at the change cycle.
  await writeFile(path.join(hand.stateDir, "gym-control", "make-report.works"), "since cycle 8\n");
  assert.equal(await fingerprintWorkspace(hand.workspace), before, "the world fingerprint must not see the flag");
  assert.equal(await runCommandByHand(hand.stateDir, "make-report"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);

  const { run, figures } = await runShort(scenario, 4);
  assertInvariants(run, figures, 4);
  assert.ok("cyclesToRetireAfterChange" in figures);
  assert.equal(
    run.cycles.some((record) => record.success),
    false,
    "before the change make-report cannot work",
  );
});
