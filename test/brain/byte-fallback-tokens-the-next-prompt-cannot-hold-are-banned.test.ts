// Regression: the test model wrote bytes that are never UTF-8 (0xFA …) inside JSON strings; the reply came back as U+FFFD in the next prompt, so every step evaluated the previous reply again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bannedByteFallbackTokens } from "../../src/brain/llama-brain.js";
import { buildTestVocab } from "../../src/brain/test-model.js";

const byteToken = (byte: number): string => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;

test("byte tokens for printable ASCII with an ordinary token and bytes never valid in UTF-8 are banned; the rest stay", () => {
  const { tokens } = buildTestVocab();
  const banned = new Set(bannedByteFallbackTokens(tokens).map((id) => tokens[id]));
  for (const byte of [0x41, 0x22, 0x7b, 0xc0, 0xc1, 0xf4, 0xf5, 0xfa, 0xff])
    assert.ok(banned.has(byteToken(byte)), byteToken(byte));
  // Newline and tab are byte tokens in SentencePiece vocabularies; lead and continuation bytes spell characters the vocabulary lacks.
  for (const byte of [0x0a, 0x09, 0x80, 0xbf, 0xc3, 0xe2, 0xed, 0xf0, 0xf3])
    assert.ok(!banned.has(byteToken(byte)), byteToken(byte));
  for (const id of bannedByteFallbackTokens(tokens)) assert.match(tokens[id] as string, /^<0x[0-9A-F]{2}>$/);
});

test("a printable byte stays allowed when the vocabulary has no ordinary token for it", () => {
  const tokens = ["<unk>", byteToken(0x41), byteToken(0x42), "B", byteToken(0xfe)];
  assert.deepEqual(bannedByteFallbackTokens(tokens), [2, 4]);
});
