// The status page, rendered from a prepared state dir, shows that state's real figures and shows model-written text as text, never as markup.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readStatusReport } from "../../src/serve/read-status.js";
import { renderStatusPage } from "../../src/serve/render-status-page.js";
import { EXPECTED, HOSTILE_LESSON, HOSTILE_SUMMARY, makeStatusState } from "./helpers/status-fixture.js";

const NOW = new Date(2026, 2, 1, 16, 5);

test("the page shows the cycles, success rate, lesson counts, charts, sensors and next wake of the state dir", async (t) => {
  const { dir, cleanup } = await makeStatusState("*/30 * * * *");
  t.after(cleanup);
  const report = await readStatusReport(dir, { clock: () => NOW });
  assert.ok(report.db.status === "ok", JSON.stringify(report.db));
  assert.deepEqual(report.db.success, { met: EXPECTED.met, checked: EXPECTED.checked, percent: EXPECTED.percent });
  assert.deepEqual(report.db.lessons.counts, EXPECTED.counts);
  assert.deepEqual(report.schedule, {
    status: "ok",
    cron: "*/30 * * * *",
    nextWakeAt: new Date(2026, 2, 1, 16, 30).toISOString(),
  });
  assert.deepEqual(report.daemon, { status: "stopped" });

  const html = renderStatusPage(report, { jsonHref: "/status.json" });
  assert.match(html, new RegExp(`id="fig-cycles">${EXPECTED.cycles}<`));
  assert.match(html, new RegExp(`id="fig-success">${EXPECTED.percent}%<`));
  assert.match(html, new RegExp(`${EXPECTED.met} of ${EXPECTED.checked} checked cycles`));
  assert.match(html, /id="fig-lessons">4</);

  const cyclesTable = section(html, "cycles-table");
  const cycleNumbers = [...cyclesTable.matchAll(/<tr><td class=num>(\d+)<\/td>/g)].map((match) => Number(match[1]));
  assert.deepEqual(cycleNumbers, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], "one row per cycle, newest first");
  assert.match(cyclesTable, /<span class="failed">failed<\/span><small>cycle timed out<\/small>/);
  assert.match(
    cyclesTable,
    /<span class="interrupted">interrupted<\/span><small>the process \(pid 4242\) stopped mid-cycle/,
  );

  assert.match(html, /pinned <b>1<\/b> · trusted <b>1<\/b> · provisional <b>2<\/b> · retired <b>1<\/b>/);
  const lessonsTable = section(html, "lessons-table");
  const lessonIds = [...lessonsTable.matchAll(/<tr><td>(L\d+)<\/td>/g)].map((match) => match[1]);
  assert.deepEqual(lessonIds, ["L1", "L2", "L3", "L5"], "pinned, trusted, provisional; the retired one left out");

  const successChart = section(html, "chart-success");
  assert.equal(successChart.match(/<circle /g)?.length, EXPECTED.checked, "one dot per cycle that checked goals");
  assert.match(html, /<svg class="chart" id="chart-lessons"/);
  const sensorsTable = section(html, "sensors-table");
  assert.match(
    sensorsTable,
    new RegExp(
      `<td class=num>12</td><td class=num>${EXPECTED.lastTempC.toFixed(1)} °C</td><td class=num>${EXPECTED.lastFreeRamMB} MB</td>`,
    ),
  );
  assert.equal(section(html, "chart-temperature").match(/<circle /g)?.length, EXPECTED.sensorCycles);
  assert.match(
    html,
    /2026-03-01 16:30:00 \(in 25 min\) if the daemon runs, on schedule <code>\*\/30 \* \* \* \*<\/code>/,
  );
  assert.match(html, /<meta http-equiv="refresh" content="30">/);
});

test("a <script> summary and a markup lesson are escaped: the page has no script and no img element", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const html = renderStatusPage(await readStatusReport(dir, { clock: () => NOW }), {
    jsonHref: "/status.json?token=a&b",
  });
  assert.ok(!/<script/i.test(html), "no script element at all");
  assert.ok(!/<img/i.test(html), "no img element at all");
  assert.ok(html.includes("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"), "the summary shows as text");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"), "the lesson shows as text");
  assert.ok(!html.includes(HOSTILE_SUMMARY) && !html.includes(HOSTILE_LESSON));
  assert.ok(html.includes('href="/status.json?token=a&amp;b"'), "the link is escaped too");
});

/** The markup of the element with `id`, up to its closing tag (tables and svgs do not nest here). */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no element with id ${id}`);
  const tag = html.lastIndexOf("<", start);
  const name = /^<(\w+)/.exec(html.slice(tag))?.[1] ?? "";
  const end = html.indexOf(`</${name}>`, start);
  return html.slice(tag, end);
}
