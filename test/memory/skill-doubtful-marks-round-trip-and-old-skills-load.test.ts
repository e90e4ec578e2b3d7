// A skill saved before doubtful marks were kept still loads; the marks survive a write and a reopen; a mark that is no step index is refused, by its field's path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createEmptyLearningData } from "../../src/learning/empty-learning.js";
import { createMemoryLogger } from "../../src/log.js";
import { openDb, writeDb } from "../../src/memory/db.js";

const deps = { logger: createMemoryLogger(), clock: () => new Date("2024-05-02T00:00:00Z") };

/** A skill as db.json held it before `doubtful` existed. */
const OLD_SKILL = {
  id: "S1",
  goal: "report",
  steps: [{ tool: "run", args: { command: "make", args: [] } }],
  successes: 2,
  failures: 0,
  status: "active",
  createdAt: "2024-05-01T00:00:00.000Z",
  createdCycle: 1,
  lastUsedCycle: 2,
  evidence: ["c1s1"],
  history: [
    {
      cycle: 1,
      at: "2024-05-01T00:00:00.000Z",
      change: "created",
      reason: "goal report's check passed after 1 step(s)",
    },
  ],
};

async function dbFileWith(
  t: { after: (fn: () => Promise<void>) => void },
  skill: Record<string, unknown>,
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "apprentice-db-skill-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.json");
  await writeFile(
    file,
    JSON.stringify({
      version: 2,
      cycle: { count: 2 },
      goals: {},
      cycles: [],
      learning: { ...createEmptyLearningData(), skills: [skill], nextSkillId: 2 },
    }),
  );
  return file;
}

test("an old skill loads without doubtful marks; marks set later survive a write and a reopen", async (t) => {
  const file = await dbFileWith(t, OLD_SKILL);
  const { db, warnings } = await openDb(file, deps);
  assert.deepEqual(warnings, []);
  assert.deepEqual(db.data.learning.skills[0], OLD_SKILL);
  const skill = db.data.learning.skills[0];
  assert.ok(skill);
  skill.steps.push({ tool: "run", args: { command: "touch-log", args: [] } });
  skill.doubtful = [1];
  await writeDb(db);
  const reopened = await openDb(file, deps);
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(reopened.db.data.learning.skills[0]?.doubtful, [1]);
});

test("a doubtful mark that is no step index is refused, naming the field", async (t) => {
  const file = await dbFileWith(t, { ...OLD_SKILL, doubtful: [-1] });
  const { db, warnings } = await openDb(file, deps);
  assert.equal(db.data.learning.skills.length, 0, "the db was quarantined and a fresh one returned");
  assert.match(warnings[0] ?? "", /learning\.skills\.0\.doubtful\.0/);
});
