import { test } from "node:test";
import assert from "node:assert/strict";
import { clampStrings } from "../../src/brain/clamp-strings.js";

const schema = {
  type: "object" as const,
  properties: {
    thought: { type: "string" as const, maxLength: 5 },
    args: {
      type: "object" as const,
      properties: { items: { type: "array" as const, items: { type: "string" as const, maxLength: 3 } } },
    },
  },
};

test("strings over maxLength are cut to it in UTF-16 units, never splitting a pair, and flagged", () => {
  const astral = clampStrings({ thought: "ab\u{1F600}cd" }, schema);
  assert.deepEqual(astral.value, { thought: "ab\u{1F600}c" });
  const split = clampStrings({ thought: "abcd\u{1F600}" }, schema);
  assert.deepEqual(split.value, { thought: "abcd" }, "the emoji would need 6 units, so it is dropped whole");

  const result = clampStrings({ thought: "\uFFFD\uFFFDabcdef", args: { items: ["abcd", "ok"] } }, schema);
  assert.equal(result.clamped, true);
  assert.deepEqual(result.value, { thought: "\uFFFD\uFFFDabc", args: { items: ["abc", "ok"] } });
});

test("values within limits are untouched", () => {
  const value = { thought: "hi", args: { items: ["a"] } };
  const result = clampStrings(value, schema);
  assert.equal(result.clamped, false);
  assert.deepEqual(result.value, value);
});

test("wrong shapes are left for the validator", () => {
  const result = clampStrings({ thought: 42 }, schema);
  assert.deepEqual(result.value, { thought: 42 });
  assert.equal(result.clamped, false);
});
