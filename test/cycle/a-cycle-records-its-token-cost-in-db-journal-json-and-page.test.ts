// Issue 18, item 2: a cycle on the test model records its token cost once, in db.json, as one journal line, in once --json, in status --json and on the status page, and the model never reads that line back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { runCliSplit } from "../cli/model-test-support.js";
import { makeStateDir } from "../support/state-fixture.js";
import { journalEntryForPrompt } from "../../src/memory/journal-for-prompt.js";
import type { CycleTokens } from "../../src/memory/db-schema.js";
import { describeCycleTokens } from "../../src/record/cycle-tokens.js";
import { readStatusReport } from "../../src/serve/read-status.js";
import { renderStatusPage } from "../../src/serve/render-status-page.js";

test("a cycle on the test model stores its tokens, journals one Tokens line and shows them in once/status --json and the page", async (t) => {
  const { dir, cleanup } = await makeStateDir({ inbox: { "hi.md": "hello" } });
  t.after(cleanup);

  const once = await runCliSplit(["once", "--state", dir, "--json"]);
  assert.equal(once.code, 0, once.stderr);
  const result = JSON.parse(once.stdout) as {
    status: string;
    steps: number;
    tokens: CycleTokens | null;
  };
  assert.equal(result.status, "ran");
  const tokens = result.tokens;
  assert.ok(tokens !== null, "the model decided the steps, so the cycle has figures");
  assertCoherent(tokens);
  assert.equal(tokens.contextSize, 2048, "the test fixture's context");
  assert.ok(tokens.bySection.charter !== undefined && tokens.bySection.charter > 0, JSON.stringify(tokens));

  const db = JSON.parse(await readFile(path.join(dir, "db.json"), "utf8")) as { cycles: Array<{ tokens?: unknown }> };
  assert.deepEqual(db.cycles.at(-1)?.tokens, tokens, "db.json stores the figures once --json printed");

  const episodes = (await readFile(path.join(dir, "episodes.jsonl"), "utf8")).trim().split("\n");
  const usages = episodes.map((line) => (JSON.parse(line) as { usage?: Record<string, unknown> }).usage);
  assert.ok(
    usages.some((usage) => usage?.promptTokens !== undefined),
    "the steps' usage is still on their lines",
  );
  assert.ok(
    usages.every((usage) => usage?.promptParts === undefined && usage?.contextSize === undefined),
    "the parts live in the cycle's record, not on every episode line",
  );

  const [day] = await readdir(path.join(dir, "journal"));
  const journal = await readFile(path.join(dir, "journal", day as string), "utf8");
  const lines = journal.split("\n").filter((line) => line.startsWith("Tokens: "));
  assert.equal(lines.length, 1, journal);
  assert.equal(lines[0], `Tokens: ${describeCycleTokens(tokens)}`);
  assert.match(
    lines[0] as string,
    /^Tokens: prompt \d+ \(.*charter \d+.*\) · evaluated \d+ · reused \d+ · generated \d+/,
  );
  const entry = journal.slice(journal.indexOf("## Cycle ")).trimEnd();
  assert.ok(!journalEntryForPrompt(entry).includes("Tokens"), "the model's view of the journal leaves it out");
  assert.match(journalEntryForPrompt(entry), /^Cycle \d+, \d{2}:\d{2}, ran\./);

  const status = await runCliSplit(["status", "--state", dir, "--json"]);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as {
    cycles: { last?: { tokens: CycleTokens | null } };
  };
  assert.deepEqual(report.cycles.last?.tokens, tokens);

  const html = renderStatusPage(await readStatusReport(dir, { clock: () => new Date() }), { jsonHref: "/status.json" });
  assert.ok(html.includes(`<span id="last-tokens">${describeCycleTokens(tokens)}</span>`), html);
  assert.match(
    html,
    new RegExp(
      `prompt ${tokens.prompt}<small>evaluated ${tokens.evaluated} · reused ${tokens.reused} · generated ${tokens.generated}</small>`,
    ),
  );
});

/** The figures hang together: parts add up to the prompt, and each sum is the sum of the steps'. */
function assertCoherent(tokens: CycleTokens): void {
  const parts = Object.values(tokens.bySection).reduce((sum, count) => sum + count, 0);
  assert.equal(parts, tokens.prompt, JSON.stringify(tokens.bySection));
  assert.ok(tokens.steps.length >= 1);
  assert.equal(tokens.steps[0]?.prompt, tokens.prompt, "bySection is the first step's prompt");
  for (const step of tokens.steps) assert.equal(step.evaluated + step.reused, step.prompt, JSON.stringify(step));
  for (const key of ["evaluated", "reused", "generated"] as const)
    assert.equal(
      tokens[key],
      tokens.steps.reduce((sum, step) => sum + step[key], 0),
      key,
    );
  assert.ok(tokens.generated > 0 && tokens.evaluated > 0);
}
