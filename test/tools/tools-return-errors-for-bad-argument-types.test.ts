import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultTools } from "../../src/tools/registry.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("every tool answers wrongly typed arguments with ok:false instead of throwing", async (t) => {
  const context = makeToolContext(await makeTempDir(t));
  const bad = { path: 5, content: ["x"], command: { name: "ls" }, args: "ls", text: null, summary: 7 };
  for (const tool of defaultTools) {
    if (tool.name === "sense") continue; // takes no arguments, so none can be wrong
    const outcome = await tool.execute(bad, context);
    assert.equal(outcome.ok, false, `${tool.name} accepted ${JSON.stringify(bad)}`);
  }
});
