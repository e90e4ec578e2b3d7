import { test } from "node:test";
import assert from "node:assert/strict";
import { buildActionSchema, findToolBranch, THOUGHT_MAX_LENGTH } from "../../src/brain/action-schema.js";

const finishArgs = {
  type: "object" as const,
  properties: { summary: { type: "string" as const, maxLength: 160 } },
  required: ["summary"],
  additionalProperties: false as const,
};
const runArgs = {
  type: "object" as const,
  properties: { command: { enum: ["ls", "cat"] } },
  required: ["command"],
  additionalProperties: false as const,
};

test("each offered tool is one branch, tied to its own arguments", () => {
  const schema = buildActionSchema([
    { name: "finish", args: finishArgs },
    { name: "run", args: runArgs },
  ]);
  assert.ok("oneOf" in schema);
  assert.equal(schema.oneOf.length, 2);
  const run = findToolBranch(schema, "run");
  assert.ok(run !== undefined);
  assert.deepEqual(run.properties.args, runArgs);
  assert.deepEqual(run.properties.thought, { type: "string", maxLength: THOUGHT_MAX_LENGTH });
  assert.deepEqual(run.required, ["thought", "tool", "args"]);
});

test("a tool that is not offered has no branch, so the grammar cannot emit it", () => {
  const schema = buildActionSchema([{ name: "finish", args: finishArgs }]);
  assert.equal(findToolBranch(schema, "run"), undefined);
  assert.ok(findToolBranch(schema, "finish") !== undefined);
  assert.ok(!("oneOf" in schema), "a single tool needs no oneOf");
});

test("no tools at all is a broken invariant", () => {
  assert.throws(() => buildActionSchema([]), /at least one tool/);
});
