// The status server's --host/--port/--token, checked once up front: a non-loopback host without a token is refused, never served.
import net from "node:net";

/** Port the status page listens on unless `--port` says otherwise. */
export const DEFAULT_SERVE_PORT = 8765;
/** Host the status page binds to unless `--host` says otherwise: this machine only. */
export const DEFAULT_SERVE_HOST = "127.0.0.1";
/** Tokens shorter than this are accepted with a warning. */
const SHORT_TOKEN_CHARS = 16;

/** Where and how the status server listens. */
export interface ServeOptions {
  /** Address to bind. Defaults to `127.0.0.1`. */
  host: string;
  /** TCP port; 0 picks a free one. Defaults to `8765`. */
  port: number;
  /** When set, every request must carry it (`Authorization: Bearer …` or `?token=…`). Required off loopback. */
  token?: string;
}

/** The options as given on the command line, unparsed. */
export interface RawServeOptions {
  host?: string;
  port?: string;
  token?: string;
}

/** Outcome of {@link resolveServeOptions}: refusals are data with a message for the operator. */
export type ServeOptionsResult =
  { ok: true; options: ServeOptions; warnings: string[] } | { ok: false; message: string };

/** Validates the raw options and fills in the defaults. */
export function resolveServeOptions(raw: RawServeOptions): ServeOptionsResult {
  const host = stripBrackets(raw.host ?? DEFAULT_SERVE_HOST);
  if (host.length === 0) return { ok: false, message: "--host needs an address, such as 127.0.0.1 or 0.0.0.0" };
  const port = raw.port === undefined ? DEFAULT_SERVE_PORT : Number(raw.port);
  if (raw.port !== undefined && (!/^\d+$/.test(raw.port) || !Number.isInteger(port) || port > 65_535)) {
    return { ok: false, message: `--port must be a whole number from 0 to 65535, got "${raw.port}"` };
  }
  const { token } = raw;
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    return { ok: false, message: "--token must be printable ASCII without spaces (it travels in a header or a URL)" };
  }
  if (token === undefined && !isLoopbackHost(host)) {
    return {
      ok: false,
      message: `--host ${host} would show the status page to other machines; give --token T too (then every request must carry it), or leave --host at ${DEFAULT_SERVE_HOST}`,
    };
  }
  const warnings =
    token !== undefined && token.length < SHORT_TOKEN_CHARS
      ? [
          `the --token is short (${token.length} characters); use ${SHORT_TOKEN_CHARS} or more random ones, e.g. \`openssl rand -hex 16\``,
        ]
      : [];
  return { ok: true, options: { host, port, ...(token !== undefined ? { token } : {}) }, warnings };
}

/** True for addresses only this machine can reach: `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x. */
export function isLoopbackHost(host: string): boolean {
  const bare = stripBrackets(host).toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return net.isIPv4(v4) && v4.startsWith("127.");
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
