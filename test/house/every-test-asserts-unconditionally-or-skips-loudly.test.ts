// House rule: a test cannot pass having asserted nothing. Each test's own body asserts something outside any `if`, and
// an early `return` from its body under an `if` is a loud skip (`t.skip(…)`), so the runner reports it as skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Every `*.test.ts` under `dir`, as paths relative to the repo. */
function testFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(relative);
    return entry.name.endsWith(".test.ts") ? [relative] : [];
  });
}

/** `assert(…)`, `assert.x(…)`, `t.assert.x(…)` or a helper named `assert…(…)`. */
function isAssertion(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression.getText();
  return /^(t\.)?assert(\.\w+)?$/.test(callee) || /^assert\w+$/.test(callee);
}

function containsSkip(node: ts.Node): boolean {
  return /\.skip\(|\bskipLoudly\(/.test(node.getText());
}

function returnsEarly(node: ts.Statement): boolean {
  return ts.isReturnStatement(node) || (ts.isBlock(node) && node.statements.some((each) => ts.isReturnStatement(each)));
}

/** Whether `body` makes an assertion outside every `if`, `?:`, `catch` and nested function. Loops count as run. */
function assertsUnconditionally(body: ts.Block): boolean {
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found || ts.isIfStatement(node) || ts.isConditionalExpression(node) || ts.isCatchClause(node)) return;
    if (ts.isFunctionLike(node)) return;
    if (isAssertion(node)) found = true;
    else ts.forEachChild(node, walk);
  };
  body.statements.forEach(walk);
  return found;
}

/** The `if`s anywhere in a test's own body (not in nested functions) that return from it without a skip. */
function earlyReturns(body: ts.Block): ts.IfStatement[] {
  const found: ts.IfStatement[] = [];
  const walk = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isIfStatement(node) && returnsEarly(node.thenStatement) && !containsSkip(node)) found.push(node);
    ts.forEachChild(node, walk);
  };
  body.statements.forEach(walk);
  return found;
}

/** What breaks the rule in `source`, one line per test: its location, its name and what is wrong. */
export function findSilentTests(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const problems: string[] = [];
  const where = (node: ts.Node) => `${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && /^(t\.)?(test|it)$/.test(node.expression.getText())) {
      const callback = node.arguments.find((each) => ts.isArrowFunction(each) || ts.isFunctionExpression(each));
      const name = node.arguments[0]?.getText().slice(0, 70) ?? "";
      if (callback !== undefined && ts.isBlock(callback.body)) {
        if (!containsSkip(callback.body) && !assertsUnconditionally(callback.body))
          problems.push(`${where(node)} ${name}: every assertion sits under an if`);
        for (const early of earlyReturns(callback.body))
          problems.push(`${where(early)} ${name}: returns early under an if without t.skip`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

test("no test in test/ can pass having asserted nothing: assertions outside any if, early returns only as loud skips", () => {
  const files = testFiles("test");
  assert.ok(files.length > 100, `found ${files.length} test files`);
  const problems = files.flatMap((file) => findSilentTests(file, readFileSync(path.join(REPO, file), "utf8")));
  assert.deepEqual(problems, []);
});

test("the check finds a test that asserts only under an if, and one that returns early without a skip", () => {
  const source = [
    'test("only under an if", () => { const r = run(); if (r.ok) { assert.equal(r.value, 1); } });',
    'test("early return", async () => { assert.ok(true); const r = run(); if (!r.ok) return; assert.equal(r.value, 1); });',
    'test("in a try", async () => { try { const r = run(); assert.ok(r); if (!r.ok) return; } finally { end(); } });',
    'test("loud skip", (t) => { if (!available) { t.skip("no bwrap"); return; } assert.ok(run()); });',
    'test("asserts first", () => { const r = run(); assert.ok(r.ok, "ran"); assert.equal(r.value, 1); });',
  ].join("\n");
  assert.deepEqual(findSilentTests("example.test.ts", source), [
    'example.test.ts:1 "only under an if": every assertion sits under an if',
    'example.test.ts:2 "early return": returns early under an if without t.skip',
    'example.test.ts:3 "in a try": returns early under an if without t.skip',
  ]);
});
