// The status server over real HTTP: loopback without a token answers, a token is required on every request when set, only GET/HEAD are allowed, and every response carries the security headers.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { createMemoryLogger } from "../../src/log.js";
import { startStatusServer, type StatusServer } from "../../src/serve/status-server.js";
import { EXPECTED, makeStatusState } from "./helpers/status-fixture.js";
import { countTimers } from "../support/active-timers.js";

const TOKEN = "s3cret-token-0123456789";

async function serve(
  t: { after: (fn: () => Promise<void>) => void },
  token?: string,
  host = "127.0.0.1",
): Promise<StatusServer> {
  const { dir, cleanup } = await makeStatusState();
  t.after(cleanup);
  const started = await startStatusServer({
    host,
    port: 0,
    ...(token !== undefined ? { token } : {}),
    stateDir: dir,
    logger: createMemoryLogger(),
    clock: () => new Date(),
  });
  assert.ok(started.ok, started.ok ? "" : started.message);
  t.after(() => started.server.close());
  return started.server;
}

/** A raw request, so the Host header can be set (fetch forbids it). */
function request(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string> },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path ?? "/",
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function assertSecurityHeaders(headers: http.IncomingHttpHeaders | Headers): void {
  const get = (name: string): string | undefined =>
    headers instanceof Headers ? (headers.get(name) ?? undefined) : (headers[name] as string | undefined);
  assert.match(get("content-security-policy") ?? "", /default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
  assert.equal(get("x-content-type-options"), "nosniff");
  assert.equal(get("referrer-policy"), "no-referrer");
}

test("loopback without a token: / and /status.json answer 200 with the state's figures and the security headers", async (t) => {
  const server = await serve(t);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  assertSecurityHeaders(page.headers);
  assert.match(await page.text(), new RegExp(`id="fig-success">${EXPECTED.percent}%<`));
  const json = await fetch(new URL("/status.json", server.url));
  assert.equal(json.status, 200);
  assertSecurityHeaders(json.headers);
  const report = (await json.json()) as { db: { status: string; cycleCount: number; success: { percent: number } } };
  assert.equal(report.db.cycleCount, EXPECTED.cycles);
  assert.equal(report.db.success.percent, EXPECTED.percent);
  const head = await request(server.port, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.body, "", "HEAD has no body");
  assert.ok(Number(head.headers["content-length"]) > 1000, "but the GET's length");
  assert.equal((await fetch(new URL("/journal/", server.url))).status, 404);
});

test("POST, PUT and DELETE get 405 with Allow: GET, HEAD", async (t) => {
  const server = await serve(t);
  for (const method of ["POST", "PUT", "DELETE"]) {
    const response = await request(server.port, { method, path: "/" });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers["allow"], "GET, HEAD");
    assertSecurityHeaders(response.headers);
  }
});

test("without a token a foreign Host header (DNS rebinding) gets 403", async (t) => {
  const server = await serve(t);
  assert.equal((await request(server.port, { headers: { Host: "attacker.example:80" } })).status, 403);
  assert.equal((await request(server.port, { headers: { Host: `localhost:${server.port}` } })).status, 200);
});

test("with a token: no token or a wrong one gets 401, the bearer header or the query token gets 200, POST with it 405", async (t) => {
  const server = await serve(t, TOKEN);
  const missing = await fetch(server.url);
  assert.equal(missing.status, 401);
  assert.equal(missing.headers.get("www-authenticate"), 'Bearer realm="apprentice"');
  assertSecurityHeaders(missing.headers);
  assert.match(await missing.text(), /^401 unauthorized/);
  for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), "", "Bearer"]) {
    assert.equal(
      (await fetch(server.url, { headers: { Authorization: `Bearer ${wrong}` } })).status,
      401,
      `wrong token ${wrong}`,
    );
  }
  assert.equal((await fetch(`${server.url}?token=nope`)).status, 401);
  assert.equal((await fetch(new URL("/status.json", server.url))).status, 401, "the JSON view needs it too");

  const bearer = await fetch(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(bearer.status, 200);
  const bearerPage = await bearer.text();
  assert.ok(
    bearerPage.includes('href="/status.json"') && !bearerPage.includes(TOKEN),
    "a header token stays out of the page",
  );
  const query = await fetch(`${server.url}?token=${encodeURIComponent(TOKEN)}`);
  assert.equal(query.status, 200);
  assert.ok(
    (await query.text()).includes(`href="/status.json?token=${TOKEN}"`),
    "a query token is carried to the JSON link",
  );
  assert.equal((await fetch(`${server.url}status.json?token=${TOKEN}`)).status, 200);
  assert.equal(
    (await request(server.port, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } })).status,
    405,
  );
  assert.equal(
    (await request(server.port, { headers: { Host: "attacker.example", Authorization: `Bearer ${TOKEN}` } })).status,
    200,
    "the token, not the Host, guards a token server",
  );
});

test("a non-loopback host without a token is refused before listening; a port in use is a message", async (t) => {
  await assert.rejects(
    startStatusServer({
      host: "0.0.0.0",
      port: 0,
      stateDir: "/nonexistent",
      logger: createMemoryLogger(),
      clock: () => new Date(),
    }),
    /without a token/,
  );
  const server = await serve(t);
  const clash = await startStatusServer({
    host: "127.0.0.1",
    port: server.port,
    stateDir: "/nonexistent",
    logger: createMemoryLogger(),
    clock: () => new Date(),
  });
  assert.deepEqual(clash, {
    ok: false,
    message: `the status page cannot listen on 127.0.0.1:${server.port} (EADDRINUSE)`,
  });
});

test("an idle status server arms no timer of its own and burns under 20 ms of CPU per second", async (t) => {
  const timersBefore = countTimers();
  await serve(t, TOKEN);
  assert.equal(countTimers(), timersBefore, "no ref'd timer");
  const cpuBefore = process.cpuUsage();
  await sleep(1_000);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1_000;
  assert.ok(cpuMs < 20, `idle CPU was ${cpuMs.toFixed(1)} ms over 1 s`);
});
