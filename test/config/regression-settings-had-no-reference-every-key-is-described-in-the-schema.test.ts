// Issue 17 bug 5: doctor pointed at a README that listed no thoughtMaxChars, commandDirs, commandArgs, stepTimeoutMs, cycleTimeoutMs or maxFileBytes. Every config key now carries its description in the schema, and the reference is read off it.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { configSchema, parseConfig } from "../../src/config.js";
import { readConfigReference, readDottedKey } from "../../src/config-reference.js";

interface Node {
  type: string;
  kind: string;
  wrapped?: Node;
  entries?: Record<string, Node>;
  pipe?: readonly Node[];
}

/** The object entries of a schema, looked up in the schema and its pipe (this test's own walk, not the reference's). */
function entriesOf(node: Node): Record<string, Node> | undefined {
  const inner = node.type === "optional" && node.wrapped !== undefined ? node.wrapped : node;
  if (inner.entries !== undefined) return inner.entries;
  for (const item of inner.pipe ?? []) if (item.kind === "schema" && item.entries !== undefined) return item.entries;
  return undefined;
}

/** Every key of the schema, sections included, with its description (undefined when it has none). */
function walkKeys(node: Node, prefix = ""): Array<{ key: string; section: boolean; description: string | undefined }> {
  return Object.entries(entriesOf(node) ?? {}).flatMap(([name, entry]) => {
    const key = `${prefix}${name}`;
    const children = entriesOf(entry);
    const description = v.getDescription(entry as unknown as v.GenericSchema);
    return [
      { key, section: children !== undefined, description },
      ...(children !== undefined ? walkKeys(entry, `${key}.`) : []),
    ];
  });
}

const SCHEMA_KEYS = walkKeys(configSchema as unknown as Node);

test("every key of the config schema, sections included, has a one-line description that leaves the default to the schema", () => {
  assert.ok(SCHEMA_KEYS.length > 40, `the walk found the keys: ${SCHEMA_KEYS.length}`);
  const undescribed = SCHEMA_KEYS.filter((entry) => entry.description === undefined).map((entry) => entry.key);
  assert.deepEqual(undescribed, [], "keys without v.description in src/config.ts");
  for (const { key, description = "" } of SCHEMA_KEYS) {
    assert.match(description, /^\S[^\n]*\.$/, `${key}: one line, ending in a period`);
    assert.doesNotMatch(description, /defaults to/i, `${key}: the default comes from the schema, not the text`);
  }
});

test("the reference lists exactly the schema's settings, with the defaults that parsing an empty config fills in", () => {
  const reference = readConfigReference();
  const leaves = SCHEMA_KEYS.filter((entry) => !entry.section).map((entry) => entry.key);
  assert.deepEqual(
    reference.settings.map((setting) => setting.key),
    leaves,
  );
  assert.deepEqual(
    reference.sections.map((section) => section.key),
    SCHEMA_KEYS.filter((entry) => entry.section).map((entry) => entry.key),
  );
  const defaults = parseConfig({}, "config.json");
  for (const setting of reference.settings) {
    const filled = readDottedKey(defaults, setting.key);
    if (Object.hasOwn(setting, "default")) assert.deepEqual(setting.default, filled.value, setting.key);
    else assert.equal(filled.found, false, `${setting.key} has no default, so an empty config leaves it out`);
  }
});

test("the settings the issue found undocumented are in the reference with their type and default", () => {
  const byKey = new Map(readConfigReference().settings.map((setting) => [setting.key, setting]));
  const expected: Record<string, { type: string; default?: unknown }> = {
    "model.thoughtMaxChars": { type: "integer 0–1000", default: 160 },
    "tools.commandDirs": { type: "list of non-empty string (at most 8)", default: [] },
    "tools.commandArgs": { type: "map of program name to integer 0–8", default: {} },
    "limits.stepTimeoutMs": { type: "integer ≥ 100", default: 60_000 },
    "limits.cycleTimeoutMs": { type: "integer ≥ 1000", default: 600_000 },
    "limits.maxFileBytes": { type: "integer 1–16777216", default: 65_536 },
    "model.path": { type: "non-empty string or null", default: null },
    "model.seed": { type: "integer ≥ 0" },
    "sandbox.mode": { type: '"bwrap" | "none"', default: "bwrap" },
    "schedule.cron": { type: "cron expression", default: "*/30 * * * *" },
  };
  for (const [key, want] of Object.entries(expected)) {
    const setting = byKey.get(key);
    assert.ok(setting, `${key} is in the reference`);
    const { description, ...rest } = setting;
    assert.deepEqual(rest, { key, ...want }, key);
    assert.ok(description.length > 10, `${key} is described`);
  }
});

test("a schema key without a description is refused as a bug, not listed blank", () => {
  const schema = v.strictObject({
    described: v.pipe(v.optional(v.number(), 1), v.description("A described setting.")),
    section: v.pipe(
      v.optional(v.strictObject({ bare: v.optional(v.boolean(), true) }), {}),
      v.description("A section."),
    ),
  });
  assert.throws(() => readConfigReference(schema), /config key section\.bare has no description/);
});

test("descriptions do not change what parsing accepts: an empty config and a bad field parse as before", () => {
  assert.equal(parseConfig({}, "c").model.seed, undefined);
  assert.deepEqual(parseConfig({ tools: { commandArgs: { ls: 2 } } }, "c").tools.commandArgs, { ls: 2 });
  assert.throws(() => parseConfig({ model: { seed: -1 } }, "c"), /model\.seed/);
  assert.throws(() => parseConfig({ limits: { softTempC: 90, maxTempC: 80 } }, "c"), /softTempC/);
});
