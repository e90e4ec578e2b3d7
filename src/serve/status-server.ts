// The read-only status server on node's http module: GET/HEAD of `/` and `/status.json`, token checked in constant time, strict security headers, no timers of its own.
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { Logger } from "../log.js";
import { readStatusReport } from "./read-status.js";
import { renderStatusPage } from "./render-status-page.js";
import { isLoopbackHost, type ServeOptions } from "./serve-options.js";
import { stringifyJsonSafely } from "../text/safe-text.js";

/** Options of {@link startStatusServer}. */
export interface StatusServerOptions extends ServeOptions {
  /** The state dir whose status is shown; read on every request, never written. */
  stateDir: string;
  logger: Logger;
  clock: () => Date;
  /** Seconds between the page's automatic reloads; 0 turns them off. Defaults to `30`. */
  refreshSeconds?: number;
}

/** A listening status server. */
export interface StatusServer {
  /** Where it listens, e.g. `http://127.0.0.1:8765/` (the bound address, `0.0.0.0` included). */
  url: string;
  port: number;
  /** Stops listening and drops open connections; resolves when the server is closed. */
  close(): Promise<void>;
}

/** Outcome of {@link startStatusServer}: a port in use or an address not on this machine is data. */
export type StartStatusServerResult = { ok: true; server: StatusServer } | { ok: false; message: string };

/** Sent with every response, errors included. The page has no script, loads nothing, and is never framed or cached. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

/**
 * Starts listening on `host:port`. Throws when `host` is not loopback and no token is set: callers check options with
 * `resolveServeOptions` first, so that is a bug, not an operator mistake.
 *
 * Idle cost: the server sets no timer; node keeps one unref'd 30 s check for slow requests (`connectionsCheckingInterval`)
 * and a keep-alive timer per open connection.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StartStatusServerResult> {
  if (options.token === undefined && !isLoopbackHost(options.host)) {
    throw new Error(`refusing to serve the status page on ${options.host} without a token`);
  }
  const tokenDigest = options.token !== undefined ? digest(options.token) : undefined;
  const server = http.createServer((request, response) => {
    handleRequest(request, response, options, tokenDigest).catch((error: unknown) => {
      options.logger.error(
        `status page: ${request.method ?? "?"} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!response.headersSent) sendText(request, response, 500, "500 internal error: see the apprentice log\n");
      else response.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    return { ok: false, message: `the status page cannot listen on ${options.host}:${options.port} (${code})` };
  }
  server.on("error", (error) => options.logger.error(`status page server: ${error.message}`));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const hostPart = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    ok: true,
    server: {
      url: `http://${hostPart}:${port}/`,
      port,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) =>
            error ? reject(new Error("cannot close the status page server", { cause: error })) : resolve(),
          );
          server.closeAllConnections();
        }),
    },
  };
}

async function handleRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  options: StatusServerOptions,
  tokenDigest: Buffer | undefined,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(request.url ?? "/", "http://status.invalid");
  } catch (error) {
    options.logger.debug(`status page: bad request target (${error instanceof Error ? error.message : String(error)})`);
    sendText(request, response, 400, "400 bad request\n");
    return;
  }
  const queryToken = url.searchParams.get("token");
  if (tokenDigest !== undefined) {
    if (!presentsToken(request, queryToken, tokenDigest)) {
      sendText(
        request,
        response,
        401,
        "401 unauthorized: this status page needs its token (Authorization: Bearer <token> or ?token=<token>)\n",
        {
          "WWW-Authenticate": 'Bearer realm="apprentice"',
        },
      );
      return;
    }
  } else if (!isLoopbackHostHeader(request.headers.host)) {
    // Without a token only loopback names are answered, so a web page cannot read this one through DNS rebinding.
    sendText(
      request,
      response,
      403,
      "403 forbidden: without a token this status page answers only to localhost and 127.0.0.1\n",
    );
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    sendText(request, response, 405, "405 method not allowed: this status page is read-only (GET, HEAD)\n", {
      Allow: "GET, HEAD",
    });
    return;
  }
  if (url.pathname !== "/" && url.pathname !== "/status.json") {
    sendText(request, response, 404, "404 not found: try / or /status.json\n");
    return;
  }
  const report = await readStatusReport(options.stateDir, { clock: options.clock });
  if (url.pathname === "/status.json") {
    send(request, response, 200, "application/json; charset=utf-8", `${stringifyJsonSafely(report, 2)}\n`);
    return;
  }
  // The token came in the address, so the JSON link must carry it too; a header token stays out of the page.
  const jsonHref =
    queryToken !== null && options.token !== undefined
      ? `/status.json?token=${encodeURIComponent(queryToken)}`
      : "/status.json";
  const page = renderStatusPage(report, {
    jsonHref,
    ...(options.refreshSeconds !== undefined ? { refreshSeconds: options.refreshSeconds } : {}),
  });
  send(request, response, 200, "text/html; charset=utf-8", page);
}

/** Compares SHA-256 digests with `timingSafeEqual`: equal lengths always, so neither content nor length leaks through timing. */
function presentsToken(request: http.IncomingMessage, queryToken: string | null, expected: Buffer): boolean {
  const header = request.headers.authorization;
  const bearer = header !== undefined ? /^Bearer +(\S+) *$/i.exec(header)?.[1] : undefined;
  const presented = bearer ?? queryToken;
  if (presented === null || presented === undefined) return false;
  return timingSafeEqual(digest(presented), expected);
}

function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || !URL.canParse(`http://${host}/`)) return false;
  return isLoopbackHost(new URL(`http://${host}/`).hostname);
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function sendText(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  send(request, response, status, "text/plain; charset=utf-8", text, headers);
}

function send(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(body, "utf8");
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    "Content-Type": contentType,
    "Content-Length": String(bytes.length),
  });
  response.end(request.method === "HEAD" ? undefined : bytes);
}
