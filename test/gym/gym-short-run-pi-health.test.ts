import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadScenario } from "../../src/gym/scenario.js";
import { writeWorkspaceFixture } from "../../src/gym/run-scenario.js";
import { assertInvariants, checkPassesByHand, prepareByHand, runCommandByHand, runShort } from "./gym-test-support.js";

test("pi-health: the report and the log cleaning each meet only their own goal, the decoys neither, and a short real run keeps the invariants", async (t) => {
  const scenario = await loadScenario("pi-health");
  const hand = await prepareByHand(scenario);
  t.after(hand.cleanup);
  const goals = async (): Promise<boolean[]> => [
    await checkPassesByHand(hand.stateDir, scenario, 0),
    await checkPassesByHand(hand.stateDir, scenario, 1),
  ];
  assert.deepEqual(await goals(), [false, false]);
  assert.notEqual(await runCommandByHand(hand.stateDir, "vcgencmd-report"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "list-logs"), 0);
  assert.equal(await runCommandByHand(hand.stateDir, "delete-all-logs"), 0);
  assert.deepEqual(await goals(), [false, false], "deleting the new logs too is not the job");

  await writeWorkspaceFixture(hand.workspace, scenario);
  assert.equal(await runCommandByHand(hand.stateDir, "clean-old-logs"), 0);
  assert.deepEqual(await goals(), [false, true]);
  assert.equal(await runCommandByHand(hand.stateDir, "health-report"), 0);
  assert.deepEqual(await goals(), [true, true]);
  assert.match(
    await readFile(path.join(hand.workspace, "health-report.md"), "utf8"),
    /^# Pi health 2026-01-05\ndisk: \d+% used\ntemperature: 48\.3 C\nthrottled: 0x50005\nfailed services: nginx\.service\n$/,
  );

  const { run, figures } = await runShort(scenario, 3);
  assertInvariants(run, figures, 3);
  assert.deepEqual(
    figures.goals.map((goal) => goal.id),
    ["daily-report", "old-logs-cleaned"],
  );
});
