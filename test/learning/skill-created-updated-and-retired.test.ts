// A goal's skill is created on its first passed check, counts further successes, keeps the shortest steps, and is retired after failing replays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pickSkill, recordSkillReplay, recordSkillSuccess } from "../../src/learning/skill-rules.js";
import { emptyData, timeOf } from "./helpers/learning-fixtures.js";

const at = (cycle: number) => ({ cycle, now: timeOf(cycle) });
const longSteps = [
  { tool: "read_file", args: { path: "notes.txt" } },
  { tool: "write_file", args: { path: "shopping.txt", content: "milk\n" } },
  { tool: "finish", args: { summary: "done" } },
];
const shortSteps = [{ tool: "write_file", args: { path: "shopping.txt", content: "milk\n" } }];

test("created as S1, updated with fewer steps, not replaced by more steps", () => {
  const data = emptyData();
  assert.equal(pickSkill(data, "shopping"), undefined);
  const created = recordSkillSuccess(data, "shopping", longSteps, ["c1e1", "c1e2"], at(1));
  assert.deepEqual(
    created.map((delta) => [delta.id, delta.change]),
    [["S1", "created"]],
  );
  assert.equal(data.nextSkillId, 2);
  assert.equal(pickSkill(data, "shopping")?.id, "S1");

  const shorter = recordSkillSuccess(data, "shopping", shortSteps, ["c2e1"], at(2));
  assert.equal(shorter[0]?.change, "steps-shortened");
  recordSkillSuccess(data, "shopping", longSteps, ["c3e1"], at(3));

  assert.equal(data.skills.length, 1);
  const skill = data.skills[0];
  assert.equal(skill?.successes, 3);
  assert.deepEqual(skill?.steps, shortSteps);
  assert.equal(skill?.lastUsedCycle, 3);
  assert.deepEqual(recordSkillSuccess(data, "shopping", [], [], at(4)), [], "no steps, no skill change");
});

test("replays count; three failures outnumbering successes retire it, and pickSkill stops offering it earlier", () => {
  const data = emptyData();
  recordSkillSuccess(data, "shopping", shortSteps, ["c1e1"], at(1));
  recordSkillReplay(data, "S1", true, at(2));
  const skill = data.skills[0];
  assert.equal(skill?.successes, 2);

  recordSkillReplay(data, "S1", false, at(3));
  recordSkillReplay(data, "S1", false, at(4));
  assert.equal(skill?.status, "active", "2 failures: not yet retired");
  assert.equal(pickSkill(data, "shopping")?.id, "S1", "successes 2 ≥ failures 2");
  const deltas = recordSkillReplay(data, "S1", false, at(5));
  assert.equal(pickSkill(data, "shopping"), undefined);
  assert.deepEqual(
    deltas.map((delta) => delta.change),
    ["replay-failed", "retired"],
  );
  assert.equal(skill?.status, "retired");
  assert.deepEqual(recordSkillReplay(data, "S1", true, at(6)), [], "a retired skill is not replayed");

  recordSkillSuccess(data, "shopping", shortSteps, ["c7e1"], at(7));
  assert.equal(pickSkill(data, "shopping")?.id, "S2", "a new skill replaces the retired one");
});
