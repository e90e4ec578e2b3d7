// A real browser (Debian's chromium through playwright-core) loads the status page from a LAN-bound `apprentice serve` with a token: charts, real figures, text not markup, no CSP violation; without the token it sees the 401.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import os from "node:os";
import { chromium, type Browser } from "playwright-core";
import { startCli } from "../support/cli-process.js";
import { EXPECTED, HOSTILE_LESSON, HOSTILE_SUMMARY, makeStatusState } from "./helpers/status-fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const TOKEN = "browser-token-0123456789abcdef";

test("chromium shows the real figures with the token and the 401 without it, on 127.0.0.1 and the LAN address", async (t) => {
  if (!existsSync(CHROMIUM)) {
    const message = `chromium not found at ${CHROMIUM}: install Debian's chromium to run the browser test`;
    process.stderr.write(`\n!!! SKIPPED: ${message} !!!\n\n`);
    t.skip(message);
    return;
  }
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const run = startCli(["serve", "--state", dir, "--host", "0.0.0.0", "--port", "0", "--token", TOKEN]);
  t.after(() => run.child.kill("SIGKILL"));
  const line = await run.waitFor(/at http:\/\/0\.0\.0\.0:\d+\/ \(token required\)/);
  const port = Number(/:(\d+)\//.exec(line)?.[1]);
  const lanAddress = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === "IPv4" && !address.internal)?.address;

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });

  const response = await page.goto(`http://127.0.0.1:${port}/?token=${TOKEN}`);
  assert.equal(response?.status(), 200);
  assert.match(response?.headers()["content-security-policy"] ?? "", /default-src 'none'/);
  assert.equal(await page.locator("svg#chart-success").count(), 1, "the learning-curve chart is in the page");
  assert.ok(await page.locator("svg#chart-success").isVisible());
  assert.equal(await page.locator("svg#chart-success circle").count(), EXPECTED.checked);
  assert.equal(await page.locator("svg.chart").count(), 4, "success, lessons, temperature, free RAM");
  assert.equal(await page.locator("#cycles-table tbody tr").count(), EXPECTED.cycles);
  assert.equal(
    await page.locator("#cycles-table tbody tr").first().locator("td").first().textContent(),
    String(EXPECTED.cycles),
  );
  assert.equal(await page.locator("#fig-success").textContent(), `${EXPECTED.percent}%`);
  assert.equal(await page.locator("#fig-cycles").textContent(), String(EXPECTED.cycles));
  assert.deepEqual(await page.locator("#lessons-table tbody tr td:first-child").allTextContents(), [
    ...EXPECTED.activeLessonIds,
  ]);
  assert.match(
    (await page.locator("#lesson-counts").textContent()) ?? "",
    /pinned 1 · trusted 1 · provisional 2 · retired 1/,
  );
  // What the model wrote is shown as the characters it wrote, and none of it became an element.
  assert.equal(
    await page.locator("#cycles-table tbody tr").first().locator("td").nth(4).textContent(),
    `${HOSTILE_SUMMARY}3 steps`,
  );
  assert.equal(
    await page.locator("#lessons-table tbody tr", { hasText: "L5" }).locator("td").nth(3).textContent(),
    HOSTILE_LESSON,
  );
  assert.equal(await page.locator("script, img").count(), 0);
  assert.equal(await page.locator("#sensors-table tbody tr").count(), 10);

  const withHeader = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` } });
  t.after(() => withHeader.close());
  const headerPage = await withHeader.newPage();
  assert.equal((await headerPage.goto(`http://127.0.0.1:${port}/`))?.status(), 200, "the bearer header works too");
  assert.equal(await headerPage.locator("#fig-success").textContent(), `${EXPECTED.percent}%`);

  const hosts = lanAddress !== undefined ? ["127.0.0.1", lanAddress] : ["127.0.0.1"];
  if (lanAddress === undefined) t.diagnostic("no non-internal IPv4 address: the 401 was checked on 127.0.0.1 only");
  for (const host of hosts) {
    const anonymous = await browser.newPage();
    const refused = await anonymous.goto(`http://${host}:${port}/`);
    assert.equal(refused?.status(), 401, host);
    assert.match((await anonymous.locator("body").textContent()) ?? "", /401 unauthorized/, host);
    await anonymous.close();
  }
  if (lanAddress !== undefined) {
    const lanPage = await withHeader.newPage();
    assert.equal(
      (await lanPage.goto(`http://${lanAddress}:${port}/`))?.status(),
      200,
      "the LAN address serves the page with the token",
    );
  }
  assert.deepEqual(problems, [], "no console error, CSP violation, script error or dialog");
});
