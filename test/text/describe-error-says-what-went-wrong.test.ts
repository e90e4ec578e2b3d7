// describeError: one line by default (a library's multi-line message stays out of a status line), every line of a
// config error when asked, the cause after the message, and the stack only for a crash's log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeError } from "../../src/text/describe-error.js";

test("the first line of the message and of its cause; all lines with allLines; the stack with stack; a non-Error as text", () => {
  const error = new Error("config.json is not a valid config:\n- schedule.cron: a valid cron expression", {
    cause: new Error("EACCES\nmore"),
  });
  assert.equal(describeError(error), "config.json is not a valid config:: EACCES");
  assert.equal(
    describeError(error, { allLines: true }),
    "config.json is not a valid config:\n- schedule.cron: a valid cron expression: EACCES\nmore",
  );
  assert.match(describeError(error, { stack: true }), /^Error: config\.json is not a valid config:[\s\S]*\n\s+at /);
  assert.equal(describeError(new TypeError("")), "TypeError");
  assert.equal(describeError("plain text"), "plain text");
  assert.equal(describeError(42), "42");
});
