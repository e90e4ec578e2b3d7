// While a cycle runs, the status page shows what it did so far, from the event feed the cycle writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { CycleEvents } from "../../src/events/cycle-events.js";
import { writeEventFeed } from "../../src/events/event-feed.js";
import { createMemoryLogger } from "../../src/log.js";
import { CYCLE_MARKER_FILE } from "../../src/memory/db.js";
import { readStatusReport } from "../../src/serve/read-status.js";
import { renderStatusPage } from "../../src/serve/render-status-page.js";
import { RUNNING_EVENTS } from "../../src/serve/status-report.js";
import { makeStateDir } from "../support/state-fixture.js";

test("the page lists the running cycle's last events, its goal names as text, and none of an earlier cycle", async (t) => {
  const { dir, cleanup } = await makeStateDir({ withModel: false });
  t.after(cleanup);
  const events = new CycleEvents();
  writeEventFeed(events, dir, { logger: createMemoryLogger(), clock: () => new Date() });
  await events.emit({ type: "cycle-began", cycle: 6, startedAt: "2026-12-07T09:00:00.000Z" });
  await events.emit({ type: "model-unloaded", cycle: 6 });
  await events.emit({ type: "cycle-began", cycle: 7, startedAt: "2026-12-07T10:00:00.000Z" });
  await events.emit({ type: "model-loaded", cycle: 7, loadMs: 2100 });
  for (let step = 1; step <= RUNNING_EVENTS; step++)
    await events.emit({ type: "step-decided", cycle: 7, step, goal: "<script>x</script>", tool: "run" });
  // cycle.json says cycle 7 is in progress, as it does while the daemon runs it.
  await writeFile(
    path.join(dir, CYCLE_MARKER_FILE),
    JSON.stringify({ version: 1, inProgress: { cycle: 7, startedAt: "2026-12-07T10:00:00.000Z", pid: 1 } }),
  );

  const report = await readStatusReport(dir, { clock: () => new Date("2026-12-07T10:05:00Z") });
  assert.equal(report.db.status, "ok", JSON.stringify(report.db));
  const running = report.db.status === "ok" ? report.db.inProgress : undefined;
  assert.equal(running?.cycle, 7);
  assert.equal(running?.events.length, RUNNING_EVENTS, "the last ones only");
  assert.ok(running?.events.every((event) => "cycle" in event && event.cycle === 7));
  assert.equal(running?.events.at(-1)?.type, "step-decided");

  const html = renderStatusPage(report, { jsonHref: "/status.json" });
  const list = /<ol id="running-events">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? "";
  assert.equal(list.match(/<li>/g)?.length, RUNNING_EVENTS);
  assert.match(list, /cycle 7: step 12: the model chose run for &lt;script&gt;x&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<script>/);
});
