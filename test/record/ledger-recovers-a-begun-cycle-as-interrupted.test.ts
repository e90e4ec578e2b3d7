// A cycle the ledger began but never finished (the process died) is recorded as interrupted by the next ledger's
// recover: a record in db.json, an entry in the journal, the marker cleared; the next cycle takes the next number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { openState } from "../../src/daemon/open-state.js";
import { createMemoryLogger } from "../../src/log.js";
import { readDbData } from "../../src/memory/db.js";
import { formatLocalDate } from "../../src/memory/journal.js";
import { CycleLedger } from "../../src/record/ledger.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { makeStateDir } from "../support/state-fixture.js";

test("recover records a cycle begun and never finished as interrupted, and the next cycle takes the next number", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const logger = createMemoryLogger();
  const clock = (): Date => new Date();
  const first = await openState(dir, { logger, clock });
  try {
    await new CycleLedger(buildCycleDeps(first, { brain: new ScriptedBrain([]), logger, clock })).begin(new Date());
  } finally {
    await first.close();
  }
  assert.equal(existsSync(path.join(dir, "cycle.json")), true, "the marker is left, as after a kill");

  const second = await openState(dir, { logger, clock });
  try {
    const ledger = new CycleLedger(buildCycleDeps(second, { brain: new ScriptedBrain([]), logger, clock }));
    await ledger.recover();
    const db = await readDbData(path.join(dir, "db.json"));
    assert.deepEqual(
      db.cycles.map((record) => [record.cycle, record.status]),
      [[1, "interrupted"]],
    );
    assert.equal(db.cycle.inProgress, undefined);
    assert.equal(existsSync(path.join(dir, "cycle.json")), false, "the marker is cleared");
    const journal = await readFile(path.join(dir, "journal", `${formatLocalDate(new Date())}.md`), "utf8");
    assert.match(journal, /## Cycle 1 — \d\d:\d\d \(interrupted\)/);
    assert.ok(
      logger.lines.some((line) => /cycle 1 was interrupted/.test(line)),
      logger.lines.join("\n"),
    );
    // Recovering again changes nothing: the cycle is recorded once.
    await ledger.recover();
    assert.equal((await readDbData(path.join(dir, "db.json"))).cycles.length, 1);
    assert.equal(await ledger.begin(new Date()), 2);
  } finally {
    await second.close();
  }
});

test("a skip is kept in db.json's lastSkip with its sensors, but nothing-to-do is only logged", async (t) => {
  const { dir, cleanup } = await makeStateDir();
  t.after(cleanup);
  const logger = createMemoryLogger();
  const clock = (): Date => new Date();
  const state = await openState(dir, { logger, clock });
  try {
    const ledger = new CycleLedger(buildCycleDeps(state, { brain: new ScriptedBrain([]), logger, clock }));
    assert.deepEqual(await ledger.recordSkip("nothing-to-do", "no goal is due and the inbox is empty"), {
      status: "skipped",
      reason: "nothing-to-do",
      detail: "no goal is due and the inbox is empty",
    });
    assert.equal((await readDbData(path.join(dir, "db.json"))).lastSkip, undefined);
    await ledger.recordSkip("too-hot", "CPU at 85°C", {
      at: new Date().toISOString(),
      cpuTempC: 85,
      availableRamMB: 500,
      totalRamMB: 1000,
    });
    const lastSkip = (await readDbData(path.join(dir, "db.json"))).lastSkip;
    assert.equal(lastSkip?.reason, "too-hot");
    assert.deepEqual(lastSkip?.sensors, { cpuTempC: 85, availableRamMB: 500, totalRamMB: 1000 });
  } finally {
    await state.close();
  }
});
