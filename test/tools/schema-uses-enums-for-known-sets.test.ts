import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { JsonSchema, ObjectSchema } from "../../src/tools/json-schema.js";
import { defaultTools, findTool } from "../../src/tools/registry.js";
import type { SchemaView } from "../../src/tools/tool.js";
import { makeSchemaView, makeTempDir, makeToolContext, testLimits } from "./tool-context.js";

function schemaOf(name: string, view: SchemaView): ObjectSchema | undefined {
  const tool = findTool(name);
  assert.ok(tool, `tool ${name} is registered`);
  return tool.argsSchema(view);
}

/** Every object schema, however deep, is closed and requires each of its properties. */
function assertClosed(schema: JsonSchema, where: string): void {
  if ("type" in schema && schema.type === "object") {
    assert.equal(schema.additionalProperties, false, `${where} must set additionalProperties: false`);
    assert.deepEqual([...(schema.required ?? [])].sort(), Object.keys(schema.properties).sort(), `${where} required`);
    for (const [key, child] of Object.entries(schema.properties)) assertClosed(child, `${where}.${key}`);
  }
  if ("type" in schema && schema.type === "array") assertClosed(schema.items, `${where}[]`);
}

test("paths to read or list and commands to run are enums of what exists", async (t) => {
  const workspace = await makeTempDir(t);
  await mkdir(path.join(workspace, "notes"));
  await writeFile(path.join(workspace, "notes", "a.md"), "a");
  await writeFile(path.join(workspace, "todo.txt"), "b");
  const view = await makeSchemaView(makeToolContext(workspace, { allowCommands: ["ls", "wc"] }));

  assert.deepEqual(schemaOf("read_file", view)?.properties.path, {
    enum: ["todo.txt", "notes/a.md"],
    description: "workspace file",
  });
  assert.deepEqual((schemaOf("list_dir", view)?.properties.path as { enum: string[] }).enum, [".", "notes"]);
  const run = schemaOf("run", view);
  assert.deepEqual((run?.properties.command as { enum: string[] }).enum, ["ls", "wc"]);
  assert.deepEqual(run?.properties.args, { type: "array", items: { type: "string", maxLength: 120 }, maxItems: 8 });
  for (const tool of defaultTools) {
    const schema = tool.argsSchema(view);
    assert.ok(schema, `${tool.name} is available`);
    assertClosed(schema, tool.name);
  }
});

test("tools that cannot act are left out, and free text is bounded", () => {
  const empty: SchemaView = {
    allowCommands: [],
    commandArgs: {},
    files: [],
    dirs: ["."],
    limits: { ...testLimits, maxFileBytes: 500 },
  };
  assert.equal(schemaOf("read_file", empty), undefined);
  assert.equal(schemaOf("run", empty), undefined);
  assert.ok(schemaOf("list_dir", empty));
  assert.deepEqual(schemaOf("write_file", empty)?.properties.content, { type: "string", maxLength: 500 });
  const big: SchemaView = { ...empty, limits: { ...testLimits, maxFileBytes: 65536 } };
  assert.deepEqual(schemaOf("append_file", big)?.properties.content, { type: "string", maxLength: 2000 });
  assert.equal((schemaOf("write_file", big)?.properties.path as { maxLength: number }).maxLength, 120);
  assert.equal((schemaOf("note", big)?.properties.text as { maxLength: number }).maxLength, 300);
  assert.equal((schemaOf("message_operator", big)?.properties.text as { maxLength: number }).maxLength, 500);
  assert.equal((schemaOf("finish", big)?.properties.summary as { maxLength: number }).maxLength, 160);
});

test("the registry has unique names in a stable order with finish first", () => {
  const names = defaultTools.map((tool) => tool.name);
  assert.equal(names[0], "finish");
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual([...names].sort(), [
    "append_file",
    "finish",
    "list_dir",
    "message_operator",
    "note",
    "read_file",
    "run",
    "sense",
    "write_file",
  ]);
  assert.equal(findTool("no_such_tool"), undefined);
});
