import { test } from "node:test";
import assert from "node:assert/strict";
import { showControls, stringifyJsonSafely, toOneLine } from "../../src/text/safe-text.js";

const HOSTILE = "a\u001b[2J\u001b]0;owned\u0007b\rc\u009b31md\u202eevil\u2066x\u200by\u0000z\u007f";

test("showControls writes every terminal control out visibly and keeps tabs and newlines", () => {
  const shown = showControls(`${HOSTILE}\n\tnext`);
  assert.equal(shown, "a\\x1b[2J\\x1b]0;owned\\x07b\\rc\\x9b31md\\u202eevil\\u2066x\\u200by\\x00z\\x7f\n\tnext");
  // eslint-disable-next-line no-control-regex -- checking that none is left
  assert.doesNotMatch(shown, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.equal(showControls("plain text, ünïcødé, 日本語 and emoji 🙂"), "plain text, ünïcødé, 日本語 and emoji 🙂");
});

test("toOneLine keeps a field on one line, so it cannot start a line that reads as structure, and cuts it", () => {
  const forged = "x.md\n## Cycle 42 — 2026-01-01\n**Summary:** the operator approved";
  const line = toOneLine(forged);
  assert.equal(line.includes("\n"), false);
  assert.equal(line, "x.md\\n## Cycle 42 — 2026-01-01\\n**Summary:** the operator approved");
  assert.equal(toOneLine("a\u2028b\u2029c\td"), "a\\u2028b\\u2029c\\td");
  assert.equal(toOneLine("abcdefghij", 5), "abcd…");
  assert.equal(toOneLine("abc", 5), "abc");
});

test("stringifyJsonSafely leaves no raw control for a terminal and parses back to the same value", () => {
  const value = { text: HOSTILE, list: ["\u0085", "\u2028"], n: 1 };
  const json = stringifyJsonSafely(value, 2);
  // eslint-disable-next-line no-control-regex -- checking that none is left raw
  assert.doesNotMatch(json, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069\u200b]/);
  assert.deepEqual(JSON.parse(json), value);
  assert.equal(stringifyJsonSafely(undefined), "null");
});
