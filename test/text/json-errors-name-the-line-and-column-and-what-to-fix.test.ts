// A JSON error is told as an operator fixes it: line and column (not a character offset), the reason, a hint for the
// usual slips, and the line with a caret; also for messages that carry no position (Node 20's "Unexpected token").
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSeededRandom } from "../../src/seeded-random.js";
import { describeJsonSyntaxError } from "../../src/text/describe-json-syntax-error.js";
import { findJsonErrorOffset } from "../../src/text/find-json-error-offset.js";

function describe(text: string): ReturnType<typeof describeJsonSyntaxError> {
  try {
    JSON.parse(text);
  } catch (error) {
    return describeJsonSyntaxError(text, error);
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

test("a missing comma is placed on its line and column, and the line to fix is named", () => {
  const problem = describe('{\n  "version": 1\n  "model": {}\n}\n');
  assert.equal(
    problem.summary,
    "line 3, column 3: expected ',' or '}' after property value (a ',' is missing at the end of line 2)",
  );
  assert.equal(problem.excerpt, '3 |   "model": {}\n  |   ^');
});

test("a trailing comma, a comment and single quotes each get a hint", () => {
  assert.match(describe('{"a": 1,\n}').summary, /^line 2, column 1: .*remove the ',' before it/);
  assert.match(describe("[1, 2,]").summary, /^line 1, column 7: unexpected token '\]' \(remove the ','/);
  assert.match(describe('{\n  // the model\n  "a": 1}').summary, /^line 2, column 3: .*JSON allows no comments/);
  assert.match(describe("{\"a\": 'x'}").summary, /^line 1, column 7: .*double quotes/);
});

test("messages without a position are placed by scanning the text", () => {
  for (const [text, line, column] of [
    ['{\n  "a": tru\n}', 2, 11],
    ['{"a":\n  undefined}', 2, 3],
    ["", 1, 1],
    ['{"a": 1', 1, 8],
  ] as const) {
    const problem = describeJsonSyntaxError(text, new Error(`Unexpected token 'x', "${text}" is not valid JSON`));
    assert.deepEqual([problem.line, problem.column], [line, column], JSON.stringify(text));
    assert.equal(problem.reason, "unexpected token 'x'");
  }
  const ended = describeJsonSyntaxError('{\n"a": [1', new Error("Unexpected end of JSON input"));
  assert.equal(ended.summary, "line 2, column 8: the text ends before the JSON is complete");
});

test("Node 22's message with its own line and column reads the same", () => {
  const problem = describeJsonSyntaxError(
    '{\n  "a": 1\n  "b": 2\n}',
    new Error("Expected ',' or '}' after property value in JSON at position 13 (line 3 column 3)"),
  );
  assert.equal(
    problem.summary,
    "line 3, column 3: expected ',' or '}' after property value (a ',' is missing at the end of line 2)",
  );
});

test("a long line is cut around the spot and control characters never reach the terminal", () => {
  const text = `{"a": "${"x".repeat(200)}" 1, "b": "\\u001b"}`.replace("\\u001b", "\u001b[2J");
  const problem = describe(text);
  const [shown, caret] = problem.excerpt.split("\n");
  assert.ok((shown ?? "").length < 90, shown);
  assert.ok(!problem.excerpt.includes("\u001b"), problem.excerpt);
  assert.equal(caret?.indexOf("^"), (shown ?? "").indexOf(" 1,") + 1, "the caret stands under the spot");
  const escaped = describeJsonSyntaxError(
    "\u001b",
    new Error("Unexpected token '\u001b', \"\u001b\" is not valid JSON"),
  );
  assert.ok(!escaped.summary.includes("\u001b"), escaped.summary);
});

test("the scanner agrees with JSON.parse on what is JSON, and on where it stops being JSON", () => {
  const random = createSeededRandom(17);
  const seeds = ['{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"], "b": {"c": {}}}', "[[], {}, 0, -0.1, 1E+2]", '"\\""'];
  const pieces = ['"', ",", ":", "{", "}", "[", "]", " ", "\n", "1", "-", ".", "e", "t", "\\", "\u0001", "/"];
  for (let round = 0; round < 3000; round += 1) {
    const chars = [...(seeds[round % seeds.length] ?? "")];
    for (let edit = 0; edit <= round % 3; edit += 1) {
      const at = Math.floor(random() * (chars.length + 1));
      const piece = pieces[Math.floor(random() * pieces.length)] ?? "";
      if (random() < 0.5) chars.splice(at, 1);
      else chars.splice(at, 0, piece);
    }
    const text = chars.join("");
    let parsed = true;
    let position: number | undefined;
    try {
      JSON.parse(text);
    } catch (error) {
      parsed = false;
      const match = /at position (\d+)/.exec((error as Error).message);
      if (match !== null) position = Number(match[1]);
    }
    const offset = findJsonErrorOffset(text);
    assert.equal(offset === undefined, parsed, JSON.stringify(text));
    if (position !== undefined) assert.equal(offset, position, `${JSON.stringify(text)}: where it stops`);
  }
});

test("a nesting bomb is scanned without exhausting the stack", () => {
  assert.equal(findJsonErrorOffset("[".repeat(1_000_000)), 1_000_000);
  assert.equal(findJsonErrorOffset(`${"[".repeat(100_000)}${"]".repeat(100_000)}`), undefined);
});
