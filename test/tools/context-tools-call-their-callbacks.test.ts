import { test } from "node:test";
import assert from "node:assert/strict";
import { finishTool } from "../../src/tools/finish.js";
import { messageOperatorTool } from "../../src/tools/message-operator.js";
import { noteTool } from "../../src/tools/note.js";
import { senseTool } from "../../src/tools/sense.js";
import { makeTempDir, makeToolContext } from "./tool-context.js";

test("sense, note, message_operator and finish pass through to the cycle", async (t) => {
  const context = makeToolContext(await makeTempDir(t));
  assert.deepEqual(await senseTool.execute({}, context), { ok: true, output: "cpu 41.5C, load 0.20, 300 MB free" });
  assert.deepEqual(await noteTool.execute({ text: "checked the logs" }, context), { ok: true, output: "noted" });
  assert.deepEqual(context.notes, ["checked the logs"]);
  assert.deepEqual(await messageOperatorTool.execute({ text: "disk is filling up" }, context), {
    ok: true,
    output: "message written to outbox/message-1.md",
  });
  assert.deepEqual(context.messages, ["disk is filling up"]);
  assert.deepEqual(await finishTool.execute({ summary: "tidied notes" }, context), {
    ok: true,
    output: "cycle finished",
    finish: { summary: "tidied notes" },
  });
});

test("a failing callback becomes a failed outcome, not a throw", async (t) => {
  const failing = async (): Promise<never> => {
    throw new Error("outbox is read-only");
  };
  const context = makeToolContext(await makeTempDir(t), {
    sendMessage: failing,
    writeNote: failing,
    readSensors: failing,
  });
  const message = await messageOperatorTool.execute({ text: "hi" }, context);
  assert.deepEqual(message, { ok: false, error: "could not send the message: outbox is read-only" });
  assert.equal((await noteTool.execute({ text: "hi" }, context)).ok, false);
  assert.equal((await senseTool.execute({}, context)).ok, false);
});
