// normalizeAction drops the tool's free-text arguments and sorts keys recursively, so equal actions give equal keys; describeAction gives the short human form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeAction, normalizeAction, situationKey } from "../../src/learning/action-key.js";

test("the tool's free-text keys dropped, keys sorted at every depth, canonical JSON", () => {
  const a = normalizeAction("write_file", {
    path: "report.txt",
    content: "draft one",
    opts: { z: 1, a: [{ y: 2, b: 3 }] },
  });
  const b = normalizeAction("write_file", {
    opts: { a: [{ b: 3, y: 2 }], z: 1 },
    content: "another draft",
    path: "report.txt",
  });
  assert.deepEqual(a, b);
  assert.deepEqual(normalizeAction("note", { text: "one" }), normalizeAction("note", { text: "two" }));
  assert.deepEqual(normalizeAction("finish", { summary: "one" }), { tool: "finish", args: "{}" });
  assert.equal(a.args, '{"opts":{"a":[{"b":3,"y":2}],"z":1},"path":"report.txt"}');
  assert.notDeepEqual(
    normalizeAction("run", { command: "cat", args: ["a"] }),
    normalizeAction("run", { command: "cat", args: ["b"] }),
  );
  assert.notEqual(situationKey("g", a), situationKey("h", a));
});

test("describeAction: run with argv, path tools by path, bare tools by name", () => {
  assert.equal(describeAction(normalizeAction("run", { command: "make-report", args: [] })), "run make-report");
  assert.equal(describeAction(normalizeAction("run", { command: "cat", args: ["notes.txt"] })), "run cat notes.txt");
  assert.equal(
    describeAction(normalizeAction("write_file", { path: "report.txt", content: "x" })),
    "write_file report.txt",
  );
  assert.equal(describeAction(normalizeAction("finish", { summary: "done" })), "finish");
  assert.equal(describeAction({ tool: "odd", args: "not json" }), "odd not json");
});
