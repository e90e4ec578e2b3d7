// Records keep every key but __proto__: a goal named "prototype" or "constructor" keeps its progress in the db, and a config's commandArgs keeps its limit for such a program.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config.js";
import { createDefaultDbData, parseDbData } from "../../src/memory/db.js";

test("db goals named constructor and prototype survive a load; __proto__ is dropped", () => {
  const db = {
    ...createDefaultDbData(),
    goals: JSON.parse(
      '{"constructor":{"attempts":2},"prototype":{"attempts":3},"__proto__":{"attempts":4}}',
    ) as unknown,
  };
  const data = parseDbData(JSON.parse(JSON.stringify(db)));
  assert.deepEqual(Object.keys(data.goals), ["constructor", "prototype"]);
  assert.equal(data.goals["prototype"]?.attempts, 3);
  assert.equal(Object.getPrototypeOf(data.goals), Object.prototype);
});

test("commandArgs keeps a limit for a program named constructor", () => {
  const config = parseConfig({ tools: { commandArgs: { constructor: 0, ls: 2 } } }, "config.json");
  assert.deepEqual(config.tools.commandArgs, { constructor: 0, ls: 2 });
});

test("a record's bad key and bad value are each named under the record", () => {
  assert.throws(
    () => parseConfig({ tools: { commandArgs: { "rm -rf": 1, ls: 9 } } }, "config.json"),
    (error: Error) =>
      /tools\.commandArgs\.rm -rf: a bare program name/.test(error.message) &&
      /tools\.commandArgs\.ls: .*<=8/.test(error.message),
  );
});
