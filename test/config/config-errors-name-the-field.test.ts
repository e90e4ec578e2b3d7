import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, parseConfig, resolveModelPath } from "../../src/config.js";

test("an empty object gets every default", () => {
  const config = parseConfig({}, "config.json");
  assert.equal(config.model.path, null);
  assert.equal(config.model.threads, 1);
  assert.equal(config.model.contextSize, 2048);
  assert.equal(config.schedule.cron, "*/30 * * * *");
  assert.equal(config.limits.maxSteps, 8);
  assert.deepEqual(config.tools.allowCommands, ["ls", "cat", "wc", "date", "echo"]);
});

test("errors name the dotted path and what was expected", () => {
  try {
    parseConfig(
      { model: { threads: "two" }, schedule: { cron: "every day" }, tools: { allowCommands: ["rm -rf"] }, extra: 1 },
      "/s/config.json",
    );
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    const text = error.message;
    assert.match(text, /\/s\/config\.json is not a valid config/);
    assert.match(text, /model\.threads: .*number/i);
    assert.match(text, /schedule\.cron: invalid cron expression "every day": has 2 fields/);
    assert.match(text, /tools\.allowCommands\.0: a bare program name/);
    assert.match(text, /extra|Unrecognized key/);
  }
});

test("the model path resolves against the state dir, an override against the working dir", () => {
  const config = parseConfig({ model: { path: "models/m.gguf" } }, "c");
  assert.equal(resolveModelPath(config, "/srv/state"), "/srv/state/models/m.gguf");
  assert.equal(resolveModelPath(config, "/srv/state", "/abs/x.gguf"), "/abs/x.gguf");
  assert.equal(resolveModelPath(parseConfig({}, "c"), "/srv/state"), undefined);
});
