import { test } from "node:test";
import assert from "node:assert/strict";
import { property } from "./sandbox-escapes.js";

test("no hostile tool call in the corpus escapes the workspace or changes anything outside it", async () => {
  const result = await property.run({ quick: false, seed: 1 });
  assert.ok(result.ok, `${result.figures}\n${result.failures.join("\n")}`);
  assert.match(result.figures, /^\d+ attempts .*, 0 escapes, 0 touched outside/);
});
