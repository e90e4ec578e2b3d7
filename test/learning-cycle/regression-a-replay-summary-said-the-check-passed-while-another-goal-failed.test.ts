// Regression (issue 15): with two goals due, a cycle replayed the first goal's skill and ended; its summary said
// "replayed skill S1; the check passed" while the second goal's check failed in the same cycle. Now the journal, the
// `once --json` result (and its text), the db's cycle record, the history subject, `status` and the status page give
// each due goal's verdict and "1 of 2 goals met".
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { formatResult } from "../../src/cli/format-cycle.js";
import type { StatusReport } from "../../src/cli/status-command.js";
import { runCycle } from "../../src/cycle/run-cycle.js";
import { buildCycleDeps } from "../../src/daemon/cycle-deps.js";
import { listHistory } from "../../src/history/state-history.js";
import { createMemoryLogger } from "../../src/log.js";
import { readStatusReport } from "../../src/serve/read-status.js";
import { renderStatusPage } from "../../src/serve/render-status-page.js";
import { runCli } from "../support/cli-process.js";
import { ScriptedBrain } from "../support/scripted-brain.js";
import { run, stateWithReportSkill } from "./helpers/two-goal-state.js";

const OLD_WORDING = /replayed skill S1; the check passed/;

test("a cycle that met report by replay and failed backup says 1 of 2 goals met, with each goal's verdict, everywhere", async (t) => {
  const { dir, state } = await stateWithReportSkill(t);
  const brain = new ScriptedBrain([
    run("tidy"),
    JSON.stringify({ thought: "t", tool: "finish", args: { summary: "backup is done" } }),
  ]);
  const result = await runCycle(
    buildCycleDeps(state, { brain, logger: createMemoryLogger(), clock: () => new Date() }),
  );
  assert.ok(result.status === "ran", JSON.stringify(result));

  // once --json prints this result; once prints formatResult's text.
  assert.deepEqual(result.goals, [
    { id: "report", verdict: "met", by: "replay" },
    { id: "backup", verdict: "unmet" },
  ]);
  assert.match(result.summary ?? "", /^1 of 2 goals met; the model said: backup is done$/);
  const text = formatResult(result);
  assert.match(text, /Goals: 1 of 2 goals met: report met by replay, backup unmet\./);
  assert.doesNotMatch(JSON.stringify(result) + text, OLD_WORDING);

  const journal = await readFile(result.journalFile, "utf8");
  assert.match(journal, /- ✓ `report` — Produce report\.txt saying done\. \(met by replay\)/);
  assert.match(journal, /- ✗ `backup` — Produce backup\.txt saying saved\. \(unmet\)/);
  assert.match(journal, /\*\*Summary:\*\* 1 of 2 goals met; the model said: backup is done/);
  assert.doesNotMatch(journal, OLD_WORDING);

  const record = state.db.data.cycles.at(-1);
  assert.deepEqual(record?.goals, result.goals);
  assert.equal(record?.goalsMet, false, "a cycle is met only when every due goal is");
  const [entry] = await listHistory(state.paths, 1);
  assert.match(entry?.subject ?? "", /^Cycle 1 ran in \d+\.\d s: 1 of 2 goals met; the model said: backup is done$/);

  const json = JSON.parse((await runCli(["status", "--state", dir, "--json"])).stdout) as StatusReport;
  assert.deepEqual(json.cycles.last?.goals, result.goals);
  const status = await runCli(["status", "--state", dir]);
  assert.match(status.stdout, /Last cycle: 1 ran at .*: 1 of 2 goals met; the model said: backup is done/);
  assert.match(status.stdout, /Last cycle: .*: 1 of 2 goals met/);
  assert.match(status.stdout, /Last goals: report met by replay, backup unmet/);
  assert.doesNotMatch(status.stdout, OLD_WORDING);

  const html = renderStatusPage(await readStatusReport(dir, { clock: () => new Date() }), { jsonHref: "/status.json" });
  assert.match(
    html,
    /<span class="no">1 of 2<\/span><small><span class="yes" title="met by replay">✓ report<\/span> <span class="no" title="unmet">✗ backup<\/span><\/small>/,
  );
  assert.doesNotMatch(html, OLD_WORDING);
});
