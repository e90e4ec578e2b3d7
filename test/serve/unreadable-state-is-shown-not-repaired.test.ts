// A corrupt, torn or foreign db.json and a broken config become "unreadable" sections on the page; the server never writes, moves or repairs a file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { readStatusReport } from "../../src/serve/read-status.js";
import { renderStatusPage } from "../../src/serve/render-status-page.js";
import { startStatusServer } from "../../src/serve/status-server.js";
import { makeStatusDb, makeStatusState } from "./helpers/status-fixture.js";

const clock = (): Date => new Date(2026, 2, 1, 16, 5);

test("a torn db.json, an unknown version and a schema mismatch each show 'state unreadable: …' with the reason", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const dbFile = path.join(dir, "db.json");
  const whole = `${JSON.stringify(makeStatusDb())}\n`;
  const cases: Array<[string, string, RegExp]> = [
    ["torn", whole.slice(0, Math.floor(whole.length / 2)), /is not valid JSON/],
    ["empty", "", /is empty/],
    ["future version", JSON.stringify({ ...makeStatusDb(), version: 9 }), /unknown version 9/],
    [
      "schema",
      JSON.stringify({ ...makeStatusDb(), cycles: [{ cycle: "one" }] }),
      /schema mismatch at cycles\.0\.cycle/,
    ],
  ];
  for (const [name, content, reason] of cases) {
    await writeFile(dbFile, content);
    const report = await readStatusReport(dir, { clock });
    assert.equal(report.db.status, "unreadable", name);
    const html = renderStatusPage(report, { jsonHref: "/status.json" });
    assert.match(html, /<section id="state-unreadable" class="error">/, name);
    assert.match(html, new RegExp(`state unreadable: [^<]*${reason.source}`), name);
    assert.ok(!html.includes('id="cycles-table"'), `${name}: no figures from a db that could not be read`);
    assert.match(html, /Next wake<\/dt><dd>2026-03-01 16:30:00/, `${name}: the rest of the page still renders`);
  }
});

test("a missing db.json is a fresh state (no cycles yet); a broken config.json leaves the schedule unknown", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  await rm(path.join(dir, "db.json"));
  await writeFile(path.join(dir, "config.json"), '{"schedule": {"cron": "not a cron"}}');
  const report = await readStatusReport(dir, { clock });
  assert.equal(report.db.status, "ok");
  assert.equal(report.schedule.status, "unreadable");
  const html = renderStatusPage(report, { jsonHref: "/status.json" });
  assert.match(html, /No cycles yet\./);
  assert.match(html, /id="fig-success">–</);
  assert.match(
    html,
    /unknown: config unreadable <small>[^<]*schedule\.cron: invalid cron expression &quot;not a cron&quot;: has 3 fields/,
  );
});

test("requests against corrupt state answer 200 and leave every file in the state dir as it was", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  await writeFile(path.join(dir, "db.json"), '{"version": 2, "cycle": {"count": 3}, "cyc');
  await writeFile(path.join(dir, "config.json"), "{ not json");
  const before = await snapshot(dir);
  const started = await startStatusServer({
    host: "127.0.0.1",
    port: 0,
    stateDir: dir,
    logger: createMemoryLogger(),
    clock,
  });
  assert.ok(started.ok);
  t.after(() => started.server.close());
  for (const target of ["/", "/status.json", "/"]) {
    const response = await fetch(new URL(target, started.server.url));
    assert.equal(response.status, 200, target);
    assert.match(await response.text(), /unreadable/);
  }
  assert.deepEqual(await snapshot(dir), before, "no file created, moved, or changed");
});

/** Every path under `dir` with its size, mtime and content. */
async function snapshot(dir: string): Promise<Array<[string, number, number, string]>> {
  const entries = await readdir(dir, { recursive: true });
  const rows: Array<[string, number, number, string]> = [];
  for (const entry of entries.sort()) {
    const full = path.join(dir, entry);
    const info = await stat(full);
    rows.push([entry, info.size, info.mtimeMs, info.isFile() ? await readFile(full, "utf8") : ""]);
  }
  return rows;
}
