import { test } from "node:test";
import assert from "node:assert/strict";
import { failureSignature, SIGNATURE_MAX_LENGTH } from "../../src/cycle/failure-signature.js";

test("numbers, paths and hex collapse so the same failure compares equal", () => {
  const a = failureSignature("exit 2: cat: /work/a/notes-17.txt: No such file   or directory (pid 4411)");
  const b = failureSignature("exit 2: cat: /tmp/x/other.txt: No such file or directory (pid 98)");
  assert.equal(a, b);
  assert.equal(a, "exit #: cat: <path>: No such file or directory (pid #)");
  assert.equal(failureSignature("bad address 0xdeadbeef and deadbeefcafe1234"), "bad address <hex> and <hex>");
});

test("signatures are cut at the maximum length", () => {
  assert.equal(failureSignature("x ".repeat(500)).length, SIGNATURE_MAX_LENGTH);
});
