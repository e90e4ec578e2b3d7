// Regression (issue 17): a bad schedule.cron said only "a valid cron expression such as …" (config) or node-cron's
// "61 is a invalid expression for minute" (daemon); both now name the field, its value and what it takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validate } from "node-cron";
import { ConfigError, parseConfig } from "../../src/config.js";
import { findNextCronRun } from "../../src/daemon/next-cron-run.js";
import { cronExpressionProblem } from "../../src/validation/cron-expression-problem.js";

function cronIssue(cron: string): string {
  try {
    parseConfig({ schedule: { cron } }, "config.json");
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.join("\n");
    throw error;
  }
  return assert.fail(`expected a ConfigError for ${cron}`);
}

test("config.json's schedule names the field that is out of range, with its range", () => {
  assert.equal(
    cronIssue("61 * * * *"),
    'schedule.cron: invalid cron expression "61 * * * *": minute field "61" is out of range 0-59',
  );
  assert.equal(
    cronIssue("0 24 * * *"),
    'schedule.cron: invalid cron expression "0 24 * * *": hour field "24" is out of range 0-23',
  );
  assert.equal(
    cronIssue("0 9 0 * *"),
    'schedule.cron: invalid cron expression "0 9 0 * *": day-of-month field "0" is out of range 1-31',
  );
  assert.equal(
    cronIssue("0 9 * 1,13 *"),
    'schedule.cron: invalid cron expression "0 9 * 1,13 *": month field "1,13": 13 is out of range 1-12',
  );
  assert.equal(
    cronIssue("0 9 * * 1-8"),
    'schedule.cron: invalid cron expression "0 9 * * 1-8": day-of-week field "1-8": 8 is out of range 0-7',
  );
  assert.equal(
    cronIssue("70 * * * * *"),
    'schedule.cron: invalid cron expression "70 * * * * *": second field "70" is out of range 0-59',
  );
});

test("a wrong count of fields, a zero step, a word a field does not take and an unknown nickname are each named", () => {
  assert.match(
    cronIssue("every day"),
    /"every day": has 2 fields; a cron expression has 5 fields \(minute hour day-of-month month day-of-week/,
  );
  assert.match(cronIssue("*/0 * * * *"), /minute field "\*\/0": the step "0" is not a whole number from 1$/);
  assert.match(cronIssue("0 9 * * someday"), /day-of-week field "someday" is not valid: it takes 0-7, sun-sat/);
  assert.match(cronIssue("@sometimes"), /"@sometimes" is not one of node-cron's nicknames: @yearly/);
  assert.match(cronIssue("0 0 30 2 *"), /"0 0 30 2 \*": 30 2 is an impossible day of month for the given month$/);
});

test("the daemon's next-run search gives the same message", () => {
  const next = findNextCronRun("61 * * * *", new Date());
  assert.deepEqual(next, {
    ok: false,
    reason: 'invalid cron expression "61 * * * *": minute field "61" is out of range 0-59',
  });
});

test("an expression is refused exactly when node-cron refuses it", () => {
  const expressions = [
    "*/30 * * * *",
    "0 9 * * mon-fri",
    "@hourly",
    "5-2 * * * *",
    "0 0 L * *",
    "0 0 * * 1#2",
    "0 0 * * 5L",
    "*/15 * * * * *",
    "0 0 LW * *",
    "61 * * * *",
    "* * *",
    "a * * * *",
    "0 0 * * 1#9",
    "",
    "  0 9 * * *  ",
    "0 0 0 * *",
  ];
  for (const expression of expressions)
    assert.equal(cronExpressionProblem(expression) === undefined, validate(expression), JSON.stringify(expression));
});
