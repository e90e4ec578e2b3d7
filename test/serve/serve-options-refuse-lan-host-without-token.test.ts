// --host beyond loopback is refused without --token; loopback forms are recognised; a bad port or token is refused with a message.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_SERVE_HOST,
  DEFAULT_SERVE_PORT,
  isLoopbackHost,
  resolveServeOptions,
} from "../../src/serve/serve-options.js";

test("defaults bind to 127.0.0.1 without a token; a LAN or wildcard host needs a token", () => {
  assert.deepEqual(resolveServeOptions({}), {
    ok: true,
    options: { host: DEFAULT_SERVE_HOST, port: DEFAULT_SERVE_PORT },
    warnings: [],
  });
  for (const host of ["0.0.0.0", "::", "192.168.1.20", "pi.local"]) {
    const refused = resolveServeOptions({ host });
    assert.equal(refused.ok, false, host);
    assert.match(refused.ok ? "" : refused.message, /give --token/);
  }
  const lan = resolveServeOptions({ host: "0.0.0.0", port: "0", token: "0123456789abcdef0123" });
  assert.deepEqual(lan, {
    ok: true,
    options: { host: "0.0.0.0", port: 0, token: "0123456789abcdef0123" },
    warnings: [],
  });
  const short = resolveServeOptions({ host: "0.0.0.0", token: "abc" });
  assert.ok(short.ok && short.warnings.length === 1 && /short/.test(short.warnings[0] ?? ""));
});

test("loopback names and addresses are recognised, others are not", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"])
    assert.equal(isLoopbackHost(host), true, host);
  for (const host of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.evil.example", "127.0.0.1.nip.io"])
    assert.equal(isLoopbackHost(host), false, host);
});

test("a port out of range and a token with spaces are refused", () => {
  for (const port of ["65536", "-1", "80a", "1.5", ""]) assert.equal(resolveServeOptions({ port }).ok, false, port);
  assert.equal(resolveServeOptions({ token: "two words" }).ok, false);
  assert.equal(resolveServeOptions({ token: "" }).ok, false);
});
