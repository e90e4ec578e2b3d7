// Issue 17, bug 8: after a rollback from cycle 6 to cycle 2, numbering goes on (7, 8, 9), and the status page said
// "9 cycles" although cycles 3–6 no longer existed in the state, and showed no sign of the rollback. The figure now
// counts the cycles the state holds and names the numbers a rollback undid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderStatusPage } from "../../src/serve/render-status-page.js";
import { buildStatusReport, findUndoneCycles } from "../../src/serve/status-report.js";
import { makeStatusDb } from "./helpers/status-fixture.js";

/** The fixture's db as a rollback to cycle `to` from cycle `from`, then cycles up to `last`, leaves it. */
function afterRollback(to: number, from: number, last: number) {
  const data = makeStatusDb();
  const template = data.cycles[0];
  assert.ok(template !== undefined);
  const kept = Array.from({ length: to }, (_, index) => index + 1);
  for (let cycle = from + 1; cycle <= last; cycle += 1) kept.push(cycle);
  data.cycles = kept.map((cycle) => ({ ...template, cycle }));
  data.cycle.count = last;
  return data;
}

function page(data: ReturnType<typeof makeStatusDb>): string {
  const report = buildStatusReport({
    stateDir: "/state",
    now: new Date(2026, 2, 1, 16, 5),
    db: { ok: true, data },
    cron: { ok: true, expr: "*/30 * * * *" },
    daemon: { status: "stopped" },
    feed: [],
  });
  return renderStatusPage(report, { jsonHref: "/status.json" });
}

test("after a rollback from 6 to 2 and three more cycles, the page counts 5 cycles and names 3–6 as undone", () => {
  const data = afterRollback(2, 6, 9);
  assert.deepEqual(findUndoneCycles(data.cycles), [{ from: 3, to: 6 }]);
  const html = page(data);
  assert.match(html, /id="fig-cycles">5</, "1, 2, 7, 8 and 9 are held");
  assert.match(html, /numbered to 9; 3–6 undone by a rollback/);
});

test("without a rollback the figure is the cycle count, with no note", () => {
  const data = makeStatusDb();
  assert.deepEqual(findUndoneCycles(data.cycles), []);
  const html = page(data);
  assert.match(html, new RegExp(`id="fig-cycles">${data.cycle.count}<`));
  assert.doesNotMatch(html, /undone/);
});
