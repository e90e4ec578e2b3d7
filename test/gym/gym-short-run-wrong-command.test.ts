import { test } from "node:test";
import assert from "node:assert/strict";
import { loadScenario } from "../../src/gym/scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("wrong-command: only make-report meets the check, and a short real run keeps the invariants", async (t) => {
  const scenario = await loadScenario("wrong-command");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), false);
  assert.notEqual(await runCommandByHand(hand.stateDir, "build-report"), 0);
  assert.notEqual(await runCommandByHand(hand.stateDir, "fetch-report"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "draft-report"), 0);
  assert.equal(
    await checkPassesByHand(hand.stateDir, scenario),
    false,
    "draft-report succeeds without meeting the goal",
  );
  assert.equal(await runCommandByHand(hand.stateDir, "make-report"), 0);
  assert.equal(await checkPassesByHand(hand.stateDir, scenario), true);

  const { run, figures } = await runShort(scenario, 4);
  assertInvariants(run, figures, 4);
  // Every executed run step used one of the four commands.
  for (const episode of run.episodes.filter((episode) => episode.kind === "step" && episode.tool === "run")) {
    assert.ok(
      ["make-report", "build-report", "fetch-report", "draft-report"].includes(
        String((episode.args as { command?: unknown }).command),
      ),
    );
  }
});
