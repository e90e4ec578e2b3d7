// Regression (issue 14, finding 8): the status page escaped markup but passed bidi overrides, zero-width characters, C1
// and ESC through raw (a summary could reorder what the page shows), and status.json carried C1 and bidi raw. Both now
// show controls visibly: the page as `\x1b`-style text, the JSON as `\uXXXX` escapes that parse to the same value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createMemoryLogger } from "../../src/log.js";
import { escapeHtml } from "../../src/serve/escape-html.js";
import { readStatusReport } from "../../src/serve/read-status.js";
import { renderStatusPage } from "../../src/serve/render-status-page.js";
import { startStatusServer } from "../../src/serve/status-server.js";
import { ESCAPES, findRawControl } from "../support/hostile-text.js";
import { makeStatusDb, makeStatusState } from "./helpers/status-fixture.js";

test("escapeHtml shows controls visibly and still escapes markup", () => {
  assert.equal(
    escapeHtml(`<b>${ESCAPES}</b>`),
    "&lt;b&gt;\\x1b[2J\\x1b]0;owned\\x07\\x1b[31m\\x9b1m\\u202egnp.exe\\u200b&lt;/b&gt;",
  );
});

test("a hostile summary and lesson reach neither the page nor status.json raw, and status.json parses to them", async (t) => {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const db = makeStatusDb();
  const last = db.cycles.at(-1);
  if (last !== undefined) last.summary = `done ${ESCAPES}`;
  const lesson = db.learning.lessons[0];
  if (lesson !== undefined) lesson.text = `lesson ${ESCAPES}`;
  await writeFile(path.join(dir, "db.json"), `${JSON.stringify(db, null, 2)}\n`);

  const html = renderStatusPage(await readStatusReport(dir, { clock: () => new Date() }), { jsonHref: "/status.json" });
  assert.equal(findRawControl(html), undefined);
  assert.ok(html.includes("done \\x1b[2J"), "the summary is shown, its escapes visible");

  const started = await startStatusServer({
    host: "127.0.0.1",
    port: 0,
    stateDir: dir,
    logger: createMemoryLogger(),
    clock: () => new Date(),
  });
  assert.ok(started.ok, started.ok ? "" : started.message);
  t.after(() => started.server.close());
  const response = await fetch(new URL("/status.json", started.server.url));
  const body = await response.text();
  assert.equal(findRawControl(body), undefined);
  assert.ok(body.includes(`done ${ESCAPES}`) === false && body.includes(`lesson ${ESCAPES}`) === false);
  const strings = collectStrings(JSON.parse(body));
  assert.ok(strings.includes(`lesson ${ESCAPES}`), "status.json parses to the exact lesson text");
  assert.ok(strings.includes(`done ${ESCAPES}`), "and to the exact summary");
});

/** Every string value anywhere in a parsed JSON value. */
function collectStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(collectStrings);
  return [];
}
