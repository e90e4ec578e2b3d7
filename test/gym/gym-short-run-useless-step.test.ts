import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("useless-step: write-log succeeds and changes the workspace without meeting the check, fetch-data then make-report meets it, and a short run reports the skill figures", async (t) => {
  const scenario = await loadScenario("useless-step");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  assert.equal(await runCommandByHand(hand.stateDir, "write-log"), 0);
  assert.equal(
    await readFile(path.join(hand.workspace, "run.log"), "utf8"),
    "report run started\n",
    "the same line every run, so a seed gives the same worlds",
  );
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  assert.notEqual(await runCommandByHand(hand.stateDir, "fetch-report"), 0);
  assert.notEqual(await runCommandByHand(hand.stateDir, "make-report"), 0, "make-report needs data.raw");
  assert.equal(await runCommandByHand(hand.stateDir, "fetch-data"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  assert.equal(await runCommandByHand(hand.stateDir, "make-report"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);

  const { run, figures } = await runShort(scenario, 3);
  assertInvariants(run, figures, 3);
  assert.equal(typeof figures.skillsWithUselessStep, "number");
  assert.equal(typeof figures.uselessStepInFirstSuccess, "number");
});
